// The gateway's ConnectionHandler: routes each request and answers the built-in endpoints on the
// loop (CORS preflights, the bare-prefix redirect, probes, `/`, docs, parameters, trailing-slash
// redirects, 404/405); /metrics goes to MetricsEndpoint and the job's endpoints (perform,
// auxiliary, static, webview) to JobCalls, which make one Exchange each. A client that leaves
// abandons its request's exchange or scrape by id. Loop thread only.
#pragma once

#include "server/connection.h"

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
class Router;
struct RouteMatch;
}  // namespace gw::routing

namespace gw::app {

class MetricsEndpoint;
class Responder;
class WorkerLifecycle;
struct JobView;

class Dispatcher : public server::ConnectionHandler {
 public:
  struct Parts {
    Responder& responder;
    routing::Router& router;
    api::Probes& probes;
    docs::DocsSite& docs;
    calls::JobCalls& job_calls;
    MetricsEndpoint& metrics_endpoint;
    WorkerLifecycle& lifecycle;
    const JobView& view;
    const config::Config& config;
    const config::JobConfig& job;
  };

  explicit Dispatcher(Parts parts) : parts_(parts) {}

  // The listening port, for redirects of requests without a Host header.
  void set_port(int port) { port_ = port; }

  void OnRequest(server::Connection* conn, http::Request& request) override;
  void OnAbandoned(server::Connection* conn) override;

 private:
  bool AnswerUnlogged(server::Connection* conn, http::Request& request,
                      const routing::RouteMatch& match);
  void AnswerMiss(server::Connection* conn, http::Request& request);
  void AnswerDocs(server::Connection* conn, const routing::RouteMatch& match);
  void AnswerJobEndpoint(server::Connection* conn, http::Request& request,
                         const routing::RouteMatch& match);
  // Why job calls are refused right now (not ready, or the job failed to load), if they are.
  bool RefuseCall(server::Connection* conn, bool json_call);

  Parts parts_;
  int port_ = 0;
};

}  // namespace gw::app
