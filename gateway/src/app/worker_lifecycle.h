// The workers as the app lives with them: spawning them (--worker, one Supervisor each, --workers
// N) or connecting to ones run elsewhere (--worker-address), their readiness, init failure, loss
// and exit (then a restart of that one alone), and what changes with the job's readiness (ready
// while at least one worker is): probes, the job's routes, the docs, the home-page redirect, the
// perform example, the static cache. Also the watchdog: a stuck call restarts its worker, and
// workers with calls in flight that end none for --stall-timeout-ms fail /live. Loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "app/job_view.h"
#include "forward/worker_client.h"
#include "forward/worker_pool.h"
#include "observability/metrics.h"

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

class WorkerLifecycle {
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
  ~WorkerLifecycle();

  // Spawns (or connects to) the workers and starts watching them. False with a message on
  // failure.
  bool Start(std::string* error);
  // Ends the calls with the workers, stops them (if spawned); `done` runs once all is let go.
  void Stop(std::function<void()> done);

  // All workers as one client (null before Start).
  forward::WorkerClient* worker();
  // The watchdog: call `id` outlived its deadline and its cancellation.
  void OnStuckCall(uint64_t id);

  size_t workers() const { return members_.size(); }
  size_t ready_workers() const;
  uint64_t restarts() const;
  // Per worker, for /metrics.
  std::vector<observability::WorkerSnapshot> WorkerSnapshots() const;
  // The workers' addresses, comma-separated (for the start-up line).
  std::string addresses() const;

 private:
  class Member;
  static constexpr uint64_t kStallCheckMs = 1000;

  void OnReady(Member& member, const forward::JobDescription& description);
  void OnFailed(const std::string& error);
  void OnLost(Member& member, const std::string& reason);
  void OnExit(Member& member, const std::string& reason);
  void JobReady(const forward::JobDescription& description);
  void JobUnready();
  void UpdateWorkerCount();
  void CheckStall();

  Loop& loop_;
  const config::Config& config_;
  const config::JobConfig& job_;
  Parts parts_;
  std::unique_ptr<forward::WorkerPool> pool_;
  std::vector<std::unique_ptr<Member>> members_;
  uv_timer_t stall_timer_;
  std::function<void()> stopped_;
};

}  // namespace gw::app
