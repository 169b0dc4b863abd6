// The gateway as a whole: wires the listener, router, probes, forwarder and (with --worker) the
// supervisor together, answers each routed request, and runs the lifecycle: start, readiness,
// worker loss and restart, and the graceful drain on SIGTERM/SIGINT.
#pragma once

#include <uv.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "api/access_log.h"
#include "api/json_body.h"
#include "api/probes.h"
#include "app/admission_gate.h"
#include "app/job_http.h"
#include "config/config.h"
#include "config/manifest.h"
#include "docs/docs_site.h"
#include "forward/forwarder.h"
#include "forward/job_metrics_client.h"
#include "observability/metrics.h"
#include "routing/job_routes.h"
#include "routing/router.h"
#include "server/listener.h"
#include "supervise/supervisor.h"

namespace gw {
class Loop;
}

namespace gw::app {

class GatewayApp : public server::ConnectionHandler,
                   public forward::CallSink,
                   public forward::WorkerObserver {
 public:
  GatewayApp(Loop& loop, config::Config config);
  ~GatewayApp() override;

  // Listens and starts (or connects to) the worker. Returns false with a message on failure.
  bool Start(std::string* error);
  // Begins the graceful drain, as SIGTERM does.
  void BeginShutdown();
  int port() const { return listener_.port(); }

  // server::ConnectionHandler
  void OnRequest(server::Connection* conn, http::Request& request) override;
  void OnAbandoned(server::Connection* conn) override;
  // forward::CallSink
  void OnCallDone(void* context, forward::CallOutcome& outcome) override;
  // forward::WorkerObserver
  void OnWorkerReady(const forward::JobDescription& description) override;
  void OnWorkerFailed(const std::string& error) override;
  void OnWorkerLost(const std::string& reason) override;

 private:
  void Respond(server::Connection* conn, int status, std::string_view body,
               std::string_view content_type = http::kJson, std::vector<http::Header> headers = {});
  void Redirect(server::Connection* conn, std::string location);
  // Perform and aux v1: checks the JSON body (empty or null → `example`) and calls `endpoint`
  // over the Calls stream. The one path for JSON calls, so they share every limit.
  void RejectCall(server::Connection* conn);
  void ForwardJsonCall(server::Connection* conn, http::Request& request, std::string_view endpoint,
                       const std::optional<std::string>& example);
  // /openapi.json, /docs, /docs/oauth2-redirect and the Swagger UI assets (spec §6.3).
  void HandleDocs(server::Connection* conn, const routing::RouteMatch& match);
  // Aux endpoints, static files, webview: a JSON call (aux v1) or the Http RPC (JobHttp).
  void HandleJobEndpoint(server::Connection* conn, http::Request& request,
                         const routing::RouteMatch& match);
  // /metrics (spec §12): the gateway's families, then the job's gauges once the worker answers.
  void HandleMetrics(server::Connection* conn, std::string_view rest, http::Method method);
  void AnswerMetrics(server::Connection* conn, const std::vector<observability::JobGauge>& job);
  void OnWorkerExit(const std::string& reason);
  void CheckDrained();
  void FinishShutdown();
  void CloseOwnHandles();
  std::string BaseUrl() const;
  void LoadManifest();

  Loop& loop_;
  config::Config config_;
  routing::Router router_;
  routing::JobRoutes job_routes_;  // the job's own endpoints from Describe; the router reads them
  std::unique_ptr<JobHttp> job_http_;  // static, webview and aux v2 exchanges
  api::Probes probes_;
  api::AccessLog access_log_;
  api::JsonBodyChecker body_checker_;
  server::Listener listener_;
  std::unique_ptr<supervise::Supervisor> supervisor_;
  std::unique_ptr<forward::Forwarder> forwarder_;
  observability::Metrics metrics_;
  std::unique_ptr<forward::JobMetricsClient> job_metrics_;
  std::unordered_map<uint64_t, server::Connection*> scrapes_;  // waiting for the job's gauges
  std::unordered_set<server::Connection*> http_calls_;         // auxiliary v2 calls with the worker
  uint64_t next_scrape_ = 0;
  std::optional<std::string> perform_example_;
  std::string root_location_;
  docs::DocsSite docs_;            // the cached OpenAPI document and the Swagger UI page
  config::ManifestLoad manifest_;  // read once at start; an error is a sticky init failure
  config::JobIdentity identity_;   // name, version, base URL (spec §5.2)
  AdmissionGate admission_gate_;   // the concurrency cap of perform and aux calls (spec §8)

  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  uv_timer_t drain_timer_;
  uv_timer_t log_flush_timer_;
  bool draining_ = false;
  bool shut_down_ = false;
  uint64_t drain_deadline_ms_ = 0;
};

}  // namespace gw::app
