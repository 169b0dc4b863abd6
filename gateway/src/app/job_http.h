// Forwards requests for the job's HTTP endpoints (static files, webview, aux v2) to the worker's
// unary Http RPC and answers with what it returns, headers and bytes intact. Static files go
// through the StaticCache (validators, 304s). Owns the exchanges in flight, keyed by connection,
// so a client that goes away cancels its RPC. Loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/static_cache.h"
#include "forward/http_client.h"
#include "http/request.h"
#include "routing/job_routes.h"

namespace grpc {
class Channel;
}

namespace gw::server {
class Connection;
}

namespace gw::app {

class JobHttp {
 public:
  using Respond = std::function<void(server::Connection*, int status, std::string_view body,
                                     std::string_view content_type, std::vector<http::Header>)>;

  JobHttp(Loop& loop, Respond respond) : client_(loop), respond_(std::move(respond)) {}

  // `prefix`: the /pub/job/{n}/{v} part of the request path (may be empty).
  void Forward(server::Connection* conn, http::Request& request, std::string_view prefix,
               const routing::JobEndpoint& endpoint, const std::shared_ptr<grpc::Channel>& channel,
               const std::string& base_url, uint32_t timeout_ms);
  // The connection's client went away: cancel its exchange, if any.
  void Abandon(server::Connection* conn);
  // The worker changed: its files may have too.
  void ClearCache() { cache_.Clear(); }
  size_t in_flight() const { return client_.in_flight(); }

 private:
  void OnDone(server::Connection* conn, const std::string& static_path,
              forward::HttpExchangeResponse& response);
  void RespondStatic(server::Connection* conn, const api::StaticFile& file);

  forward::HttpClient client_;
  api::StaticCache cache_;
  Respond respond_;
  std::unordered_map<server::Connection*, uint64_t> exchanges_;
};

}  // namespace gw::app
