#include "calls/http_calls.h"

namespace gw::calls {
namespace {

// Hop-by-hop and framing headers: the gateway writes its own.
bool IsGatewayOwned(std::string_view name) {
  return name == "content-length" || name == "transfer-encoding" || name == "connection" ||
         name == "keep-alive" || name == "date" || name == "server" || name == "content-type";
}

Outcome StaticOutcome(const api::StaticFile& file, const http::Request& request) {
  Outcome out;
  if (!file.etag.empty()) out.headers.push_back(http::Header{"etag", file.etag});
  if (!file.last_modified.empty()) {
    out.headers.push_back(http::Header{"last-modified", file.last_modified});
  }
  if (api::StaticCache::ClientIsFresh(request, file)) {
    out.status = 304;
    out.content_type = {};
    return out;
  }
  out.status = 200;
  out.body = file.body;
  out.content_type = file.content_type;
  return out;
}

}  // namespace

forward::HttpCall BuildHttpCall(http::Request& request, std::string_view prefix,
                                const routing::JobEndpoint& endpoint, const std::string& base_url,
                                const api::StaticCache& cache) {
  forward::HttpCall out;
  out.endpoint = endpoint.path;
  out.method = request.method_name;
  out.path = std::string(request.Path().substr(prefix.size()));
  out.query = std::string(request.Query());
  out.base_url = base_url;
  out.root_path = std::string(prefix);
  if (endpoint.kind == routing::EndpointKind::kStatic) {
    // The worker sees only our validator: it answers 304 from a stat when the file is unchanged.
    if (const api::StaticFile* cached = cache.Find(endpoint.path)) {
      out.headers.push_back(http::Header{"if-none-match", cached->etag});
    }
  } else {
    out.headers = request.headers;
    out.body = std::move(request.body);
  }
  return out;
}

Outcome HttpOutcome(const Exchange& exchange, forward::CallResult& result,
                    const http::Request& request, api::StaticCache& cache) {
  if (exchange.kind() == ExchangeKind::kStatic) {
    const api::StaticFile* file =
        cache.Update(exchange.static_path(), result.status, result.headers, result.body);
    if (file != nullptr) return StaticOutcome(*file, request);
  }
  Outcome out;
  out.status = result.status;
  out.body = std::move(result.body);
  out.content_type = {};
  out.headers.reserve(result.headers.size());
  for (http::Header& h : result.headers) {
    if (h.name == "content-type") {
      out.content_type = h.value;  // the headers outlive the answer: see JobCalls::OnCallDone
    } else if (!IsGatewayOwned(h.name)) {
      out.headers.push_back(std::move(h));
    }
  }
  // An auxiliary v2 call is a job call; a 422 there is a parameter error, not the job's.
  out.failed = result.status >= 400 && result.status != 422;
  return out;
}

}  // namespace gw::calls
