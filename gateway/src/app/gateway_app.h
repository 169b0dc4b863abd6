// The gateway as a whole: wires the listener, router, probes, forwarder and (with --worker) the
// supervisor together, answers each routed request, and runs the lifecycle: start, readiness,
// worker loss and restart, and the graceful drain on SIGTERM/SIGINT.
#pragma once

#include <uv.h>

#include <memory>
#include <optional>
#include <string>

#include "api/access_log.h"
#include "api/json_body.h"
#include "api/probes.h"
#include "config/config.h"
#include "forward/forwarder.h"
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
               std::string_view content_type = http::kJson,
               std::vector<http::Header> headers = {});
  void Redirect(server::Connection* conn, std::string location);
  void HandlePerform(server::Connection* conn, http::Request& request);
  void OnWorkerExit(const std::string& reason);
  void CheckDrained();
  void FinishShutdown();
  void CloseOwnHandles();
  std::string BaseUrl() const;

  Loop& loop_;
  config::Config config_;
  routing::Router router_;
  api::Probes probes_;
  api::AccessLog access_log_;
  api::JsonBodyChecker body_checker_;
  server::Listener listener_;
  std::unique_ptr<supervise::Supervisor> supervisor_;
  std::unique_ptr<forward::Forwarder> forwarder_;
  std::optional<std::string> perform_example_;
  std::string root_location_;

  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  uv_timer_t drain_timer_;
  uv_timer_t log_flush_timer_;
  bool draining_ = false;
  bool shut_down_ = false;
  uint64_t drain_deadline_ms_ = 0;
};

}  // namespace gw::app
