// The worker as the app lives with it: spawning it (--worker, through the Supervisor) or
// connecting to one run elsewhere (--worker-address), its readiness, its init failure, its loss
// and its exit (then a restart), and what changes with it: probes, the job's routes, the docs,
// the home-page redirect, the perform example, the static cache. Also the watchdog: a stuck call
// restarts a spawned worker, and a worker with calls in flight that ends none for
// --stall-timeout-ms fails /live. Loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "app/job_view.h"
#include "forward/worker_client.h"

namespace gw {
class Loop;
}
namespace gw::api {
class Probes;
}
namespace gw::calls {
class JobCalls;
}
namespace gw::config {
struct Config;
struct JobConfig;
}  // namespace gw::config
namespace gw::docs {
class DocsSite;
}
namespace gw::routing {
class JobRoutes;
}
namespace gw::supervise {
class Supervisor;
}

namespace gw::app {

class Responder;

class WorkerLifecycle : public forward::WorkerEvents {
 public:
  struct Parts {
    api::Probes& probes;
    routing::JobRoutes& job_routes;
    docs::DocsSite& docs;
    calls::JobCalls& job_calls;
    JobView& view;
    const Responder& responder;  // draining(): a worker ready while draining stays unready
  };

  WorkerLifecycle(Loop& loop, const config::Config& config, const config::JobConfig& job,
                  Parts parts);
  ~WorkerLifecycle() override;

  // Spawns (or connects to) the worker and starts watching it. False with a message on failure.
  bool Start(std::string* error);
  // Ends the calls with the worker, stops it (if spawned); `done` runs once all is let go.
  void Stop(std::function<void()> done);

  forward::WorkerClient* worker() { return worker_.get(); }
  // The watchdog: call `id` outlived its deadline and its cancellation.
  void OnStuckCall(uint64_t id);
  uint64_t restarts() const;
  const std::string& address() const { return address_; }

  // forward::WorkerEvents
  void OnWorkerReady(const forward::JobDescription& description) override;
  void OnWorkerFailed(const std::string& error) override;
  void OnWorkerLost(const std::string& reason) override;
  void OnWorkerUnreachable(const std::string& reason) override;

 private:
  static constexpr uint64_t kStallCheckMs = 1000;

  void OnWorkerExit(const std::string& reason);
  void Unready();
  void CheckStall();

  Loop& loop_;
  const config::Config& config_;
  const config::JobConfig& job_;
  Parts parts_;
  std::string address_;
  std::unique_ptr<supervise::Supervisor> supervisor_;
  std::unique_ptr<forward::WorkerClient> worker_;
  uv_timer_t stall_timer_;
  std::function<void()> stopped_;
};

}  // namespace gw::app
