#include "app/job_http.h"

#include "server/connection.h"

namespace gw::app {
namespace {

// Hop-by-hop and framing headers: the gateway writes its own.
bool IsGatewayOwned(std::string_view name) {
  return name == "content-length" || name == "transfer-encoding" || name == "connection" ||
         name == "keep-alive" || name == "date" || name == "server" || name == "content-type";
}

std::string_view ContentType(const std::vector<http::Header>& headers) {
  for (const http::Header& h : headers) {
    if (h.name == "content-type") return h.value;
  }
  return {};
}

}  // namespace

void JobHttp::Forward(server::Connection* conn, http::Request& request, std::string_view prefix,
                      const routing::JobEndpoint& endpoint,
                      const std::shared_ptr<grpc::Channel>& channel, const std::string& base_url,
                      uint32_t timeout_ms) {
  forward::HttpExchangeRequest out;
  out.endpoint = endpoint.path;
  out.method = request.method_name;
  out.path = std::string(request.Path().substr(prefix.size()));
  out.query = std::string(request.Query());
  out.base_url = base_url;
  out.root_path = std::string(prefix);
  std::string static_path;
  if (endpoint.kind == routing::EndpointKind::kStatic) {
    // The worker sees only our validator: it answers 304 from a stat when the file is unchanged.
    static_path = endpoint.path;
    if (const api::StaticFile* cached = cache_.Find(static_path)) {
      out.headers.push_back(http::Header{"if-none-match", cached->etag});
    }
  } else {
    out.headers = request.headers;
    out.body = std::move(request.body);
  }
  exchanges_[conn] = client_.Start(
      channel, std::move(out), timeout_ms,
      [this, conn, static_path = std::move(static_path)](forward::HttpExchangeResponse& response) {
        OnDone(conn, static_path, response);
      });
}

void JobHttp::Abandon(server::Connection* conn) {
  auto it = exchanges_.find(conn);
  if (it == exchanges_.end()) return;
  client_.Cancel(it->second);
  exchanges_.erase(it);
}

void JobHttp::OnDone(server::Connection* conn, const std::string& static_path,
                     forward::HttpExchangeResponse& response) {
  exchanges_.erase(conn);
  if (!static_path.empty() && !response.worker_error) {
    const api::StaticFile* file =
        cache_.Update(static_path, response.status, response.headers, response.body);
    if (file != nullptr) {
      RespondStatic(conn, *file);
      return;
    }
  }
  std::string_view content_type = ContentType(response.headers);
  std::vector<http::Header> headers;
  headers.reserve(response.headers.size());
  for (http::Header& h : response.headers) {
    if (!IsGatewayOwned(h.name)) headers.push_back(std::move(h));
  }
  respond_(conn, response.status, response.body, content_type, std::move(headers));
}

void JobHttp::RespondStatic(server::Connection* conn, const api::StaticFile& file) {
  std::vector<http::Header> validators;
  if (!file.etag.empty()) validators.push_back(http::Header{"etag", file.etag});
  if (!file.last_modified.empty()) {
    validators.push_back(http::Header{"last-modified", file.last_modified});
  }
  if (api::StaticCache::ClientIsFresh(conn->current(), file)) {
    respond_(conn, 304, {}, {}, std::move(validators));
    return;
  }
  respond_(conn, 200, file.body, file.content_type, std::move(validators));
}

}  // namespace gw::app
