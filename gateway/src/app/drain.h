// The graceful drain on SIGTERM/SIGINT (ARCHITECTURE §5): stop accepting, answer probes as not
// ready, close idle connections, let the exchanges in flight finish within --drain-timeout-ms
// (those still open then get 503), then stop the worker and close every handle, so the loop
// runs out and the gateway exits 0. Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

namespace gw {
class Loop;
}
namespace gw::api {
class Probes;
}
namespace gw::calls {
class JobCalls;
}
namespace gw::server {
class Listener;
}

namespace gw::app {

class Responder;
class WorkerLifecycle;

class Drain {
 public:
  static constexpr uint64_t kPollMs = 20;

  struct Parts {
    server::Listener& listener;
    calls::JobCalls& job_calls;
    WorkerLifecycle& lifecycle;
    Responder& responder;
    api::Probes& probes;
  };

  // `on_stopped` runs once everything is stopped (to close the owner's remaining handles).
  Drain(Loop& loop, uint64_t timeout_ms, Parts parts, std::function<void()> on_stopped);
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;

  // Installs the SIGTERM and SIGINT handlers.
  void Arm();
  // Begins the drain, as SIGTERM does. Idempotent.
  void Begin();
  // Something finished: the drain may be over.
  void Check();
  bool draining() const { return draining_; }

 private:
  static void OnHandleClosed(uv_handle_t* handle) noexcept;
  void Finish();
  void CloseHandles();

  Loop& loop_;
  uint64_t timeout_ms_;
  Parts parts_;
  std::function<void()> on_stopped_;
  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  uv_timer_t timer_;
  int open_handles_ = 0;
  bool draining_ = false;
  bool finishing_ = false;
  uint64_t deadline_ms_ = 0;
};

}  // namespace gw::app
