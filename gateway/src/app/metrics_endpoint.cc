#include "app/metrics_endpoint.h"

#include "app/responder.h"
#include "forward/worker_client.h"
#include "server/connection.h"

namespace gw::app {

void MetricsEndpoint::Handle(server::Connection* conn, std::string_view rest, http::Method method,
                             forward::WorkerClient* worker) {
  if (rest == "/metrics/favicon.ico") {
    responder_.Respond(conn, 200, {}, {});  // as the original's WSGI app
    return;
  }
  if (worker == nullptr || !worker->ready() || method == http::Method::kHead) {
    Answer(conn, {});
    return;
  }
  uint64_t id = new_id_();
  conn->pending_tag = id;
  scrapes_.emplace(id, conn);
  worker->CollectGauges([this, id](std::vector<observability::JobGauge> job) {
    auto it = scrapes_.find(id);
    if (it == scrapes_.end()) return;  // the client left meanwhile
    server::Connection* waiting = it->second;
    scrapes_.erase(it);
    Answer(waiting, job);
  });
}

void MetricsEndpoint::Answer(server::Connection* conn,
                             const std::vector<observability::JobGauge>& job) {
  responder_.Respond(conn, 200, metrics_.Serialize(snapshot_(), job),
                     observability::kMetricsContentType);
}

}  // namespace gw::app
