// libFuzzer target: the HTTP codec and the router, as a connection drives them. The input is
// split into reads at places taken from its first bytes (every boundary must parse as one
// buffer would), each complete request is routed, and the codec's invariants are checked.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/limits.h"
#include "http/parser.h"
#include "http/request.h"
#include "routing/job_routes.h"
#include "routing/router.h"
#include "routing/slash_redirect.h"

namespace {

using namespace gw;

const routing::Router& TheRouter() {
  static const routing::JobRoutes* job_routes = [] {
    auto* routes = new routing::JobRoutes();
    std::vector<routing::JobEndpoint> endpoints;
    endpoints.push_back(routing::JobRoutes::Make(
        "/api/v1/explain", routing::EndpointKind::kAuxiliary, routing::kPost, false, false));
    endpoints.push_back(routing::JobRoutes::Make(
        "/api/v1/items/{id}", routing::EndpointKind::kAuxiliary, routing::kGet, true, true));
    endpoints.push_back(routing::JobRoutes::Make("/api/v1/webview", routing::EndpointKind::kWebview,
                                                 routing::kAnyMethod, false, true));
    routes->Set(std::move(endpoints));
    return routes;
  }();
  static routing::Router* router = [] {
    auto* r = new routing::Router();
    r->SetJobRoutes(job_routes);
    return r;
  }();
  return *router;
}

http::Limits SmallLimits() {
  http::Limits limits;
  // Small enough for the fuzzer to reach every limit.
  limits.max_url_bytes = 256;
  limits.max_header_bytes = 1024;
  limits.max_header_count = 16;
  limits.max_body_bytes = 2048;
  limits.max_forward_bytes = 3000;
  return limits;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

void Route(const http::Request& request) {
  const routing::Router& router = TheRouter();
  std::string_view path = request.Path();
  std::string_view query = request.Query();
  Check(path.size() + query.size() <= request.target.size());
  routing::RouteMatch match = router.Match(request.method, path);
  if (match.id == routing::RouteId::kNotFound) {
    (void)routing::SlashRedirectPath(router, request.method, path);
  }
  (void)request.FindHeader("content-type");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first two bytes choose the read size pattern.
  const size_t step = 1 + data[0] % 64;
  const bool vary = (data[1] & 1) != 0;
  data += 2;
  size -= 2;
  static const http::Limits limits = SmallLimits();
  http::RequestParser parser(limits);
  std::vector<http::Request> out;
  size_t offset = 0;
  size_t n = step;
  http::ParseError error = http::ParseError::kNone;
  while (offset < size && error == http::ParseError::kNone) {
    const size_t len = std::min(n, size - offset);
    error = parser.Feed(reinterpret_cast<const char*>(data) + offset, len, &out);
    (void)parser.TakeContinue();
    offset += len;
    if (vary) n = 1 + (n * 7 + 3) % 97;
  }
  for (const http::Request& request : out) {
    Check(request.target.size() <= limits.max_url_bytes);
    Check(request.body.size() <= limits.max_body_bytes);
    Check(request.headers.size() <= limits.max_header_count);
    Check(request.http_major == 1 && request.http_minor <= 1);
    Route(request);
  }
  if (error != http::ParseError::kNone) Check(!parser.ErrorReason().empty());
  return 0;
}
