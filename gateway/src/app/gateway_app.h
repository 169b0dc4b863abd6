// The gateway as a whole: owns its parts and wires them together, nothing more. The request path
// is Listener → Dispatcher (built-ins) → JobCalls (one Exchange per worker-backed request) →
// WorkerClient; WorkerLifecycle follows the worker, Drain runs the graceful shutdown.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "api/probes.h"
#include "app/dispatcher.h"
#include "app/drain.h"
#include "app/job_view.h"
#include "app/metrics_endpoint.h"
#include "app/responder.h"
#include "app/worker_lifecycle.h"
#include "calls/job_calls.h"
#include "config/config.h"
#include "config/job_config.h"
#include "docs/docs_site.h"
#include "observability/metrics.h"
#include "routing/job_routes.h"
#include "routing/router.h"
#include "server/listener.h"

namespace gw {
class Loop;
}

namespace gw::app {

class GatewayApp {
 public:
  GatewayApp(Loop& loop, config::Config config, config::JobConfig job);
  ~GatewayApp();
  GatewayApp(const GatewayApp&) = delete;
  GatewayApp& operator=(const GatewayApp&) = delete;

  // Listens and starts (or connects to) the worker. Returns false with a message on failure.
  bool Start(std::string* error);
  // Begins the graceful drain, as SIGTERM does.
  void BeginShutdown() { drain_.Begin(); }
  int port() const { return listener_.port(); }

 private:
  observability::GatewaySnapshot Snapshot();
  void ApplyManifest();
  void OnStopped();

  Loop& loop_;
  config::Config config_;
  config::JobConfig job_;
  observability::Metrics metrics_;
  Responder responder_;
  api::Probes probes_;
  docs::DocsSite docs_;            // the cached OpenAPI document and the Swagger UI page
  routing::JobRoutes job_routes_;  // the job's own endpoints from Describe; the router reads them
  routing::Router router_;
  JobView view_;
  calls::JobCalls job_calls_;
  MetricsEndpoint metrics_endpoint_;
  WorkerLifecycle lifecycle_;
  Dispatcher dispatcher_;
  server::Listener listener_;
  Drain drain_;
  uv_timer_t log_flush_timer_;
};

}  // namespace gw::app
