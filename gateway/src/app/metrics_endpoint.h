// /metrics (spec §12), any method, any sub-path: the gateway's families at once, then the job's
// gauges once the worker has answered (it is asked on each scrape; a scrape whose client leaves
// meanwhile is dropped by id). Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/request.h"
#include "observability/metrics.h"

namespace gw::forward {
class WorkerClient;
}
namespace gw::server {
class Connection;
}

namespace gw::app {

class Responder;

class MetricsEndpoint {
 public:
  using Snapshot = std::function<observability::GatewaySnapshot()>;
  using NewId = std::function<uint64_t()>;

  MetricsEndpoint(Responder& responder, observability::Metrics& metrics, Snapshot snapshot,
                  NewId new_id)
      : responder_(responder),
        metrics_(metrics),
        snapshot_(std::move(snapshot)),
        new_id_(std::move(new_id)) {}

  void Handle(server::Connection* conn, std::string_view rest, http::Method method,
              forward::WorkerClient* worker);
  // The client of scrape `id` went away.
  void Abandon(uint64_t id) { scrapes_.erase(id); }

 private:
  void Answer(server::Connection* conn, const std::vector<observability::JobGauge>& job);

  Responder& responder_;
  observability::Metrics& metrics_;
  Snapshot snapshot_;
  NewId new_id_;
  std::unordered_map<uint64_t, server::Connection*> scrapes_;  // waiting for the job's gauges
};

}  // namespace gw::app
