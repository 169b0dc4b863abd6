// Watches a worker until it is ready: polls grpc.health.v1 Check (must say SERVING) and then
// Describe (must say READY), every poll_interval_ms (while it cannot connect, the wait is a probe
// that waits for the connection). Reports the description once ready, the init error once if the
// job failed to load, and a worker it cannot reach for a while (a socket with the wrong owner or
// mode, a wrong address) as an error line, so it is never silent. forward/ only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "forward/job_description.h"
#include "forward/unary_calls.h"
#include "forward/worker_link.h"

namespace gw::forward {

class ReadinessWatcher {
 public:
  static constexpr std::chrono::milliseconds kProbeDeadline{2000};
  static constexpr uint64_t kFailedPollIntervalMs = 1000;
  // A worker still unreachable after this long is reported (then again every kReportEveryMs).
  static constexpr uint64_t kReportUnreachableAfterMs = 3000;
  static constexpr uint64_t kReportEveryMs = 30'000;

  struct Callbacks {
    std::function<void(JobDescription)> on_ready;
    std::function<void(const std::string& error)> on_failed;
    // Why the worker cannot be reached (once it has lasted a while); "" when it can again.
    std::function<void(const std::string& reason)> on_unreachable;
  };

  ReadinessWatcher(Loop& loop, UnaryCalls& rpcs, uint64_t poll_interval_ms, Callbacks callbacks);
  ReadinessWatcher(const ReadinessWatcher&) = delete;
  ReadinessWatcher& operator=(const ReadinessWatcher&) = delete;

  // Starts polling `link` now (a new worker incarnation: its init error is reported afresh).
  void Watch(std::shared_ptr<WorkerLink> link);
  // No more polls; answers still on their way are ignored.
  void Stop();
  // Closes the timer; `done` runs from its close callback.
  void Close(std::function<void()> done);

 private:
  void Schedule(uint64_t delay_ms);
  void Poll();
  void Describe(uint64_t gen, bool serving);
  void OnUnreachable(const grpc::Status& status);
  void OnReachable();
  void OnDescribed(pb::JobDescription& d);

  Loop& loop_;
  UnaryCalls& rpcs_;
  uint64_t poll_interval_ms_;
  Callbacks callbacks_;
  uv_timer_t timer_;
  std::function<void()> closed_;
  std::shared_ptr<WorkerLink> link_;
  uint64_t generation_ = 0;  // bumped by Watch and Stop: older answers are ignored
  bool watching_ = false;
  bool init_failed_ = false;
  bool wait_next_ = false;             // the next probe waits for the connection (see Poll)
  uint64_t unreachable_since_ms_ = 0;  // 0: reachable
  uint64_t reported_at_ms_ = 0;
  std::string unreachable_;  // what was last reported ("" while reachable)
};

}  // namespace gw::forward
