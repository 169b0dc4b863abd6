// The job's own routes, built from the endpoints the worker lists in Describe (spec §6, §9, §10):
// auxiliary endpoints (exact paths, or templates like "/items/{id}"), static files and the
// webview (a prefix: every path below /api/v1/webview). Rebuilt on every OnWorkerReady, cleared
// when the worker goes away. The Router consults it after its built-in table, so perform,
// parameters and the probes always win, as in the original's registration order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forward/job_description.h"
#include "http/request.h"
#include "routing/router.h"

namespace gw::routing {

enum class EndpointKind : uint8_t { kAuxiliary, kStatic, kWebview };

// How the gateway forwards calls to an endpoint.
enum class Transport : uint8_t {
  kJsonCall,  // aux v1: POST with a JSON object body, over the Calls stream (like perform)
  kHttp,      // static, webview, aux v2: the unary Http RPC
};

struct JobEndpoint {
  std::string path;   // as Describe lists it, relative to /api/v1: "/explain", "/items/{id}"
  std::string route;  // the full route: "/api/v1" + path
  EndpointKind kind = EndpointKind::kAuxiliary;
  Transport transport = Transport::kJsonCall;
  MethodMask methods = 0;
  std::string allow;  // the Allow header for 405
  bool path_template = false;
  std::optional<std::string> input_example_json;  // aux v1: the body used for an empty one
  std::string mimetype;                           // static: the file's type
};

struct JobRouteMatch {
  const JobEndpoint* endpoint = nullptr;  // null: no job route
  bool method_allowed = false;
};

class JobRoutes {
 public:
  static constexpr std::string_view kApiPrefix = "/api/v1";
  static constexpr std::string_view kWebviewPath = "/webview";

  // Replaces the table. Earlier endpoints win over later ones with the same route.
  void Set(std::vector<JobEndpoint> endpoints);
  void Clear() { endpoints_.clear(); }
  bool empty() const { return endpoints_.empty(); }
  const std::vector<JobEndpoint>& endpoints() const { return endpoints_; }

  // `rest` is the request path without the /pub/job/{n}/{v} prefix.
  JobRouteMatch Match(http::Method method, std::string_view rest) const;

  // Fills the derived fields (route, allow, transport) of an endpoint. `binds_parameters`: the
  // worker described the endpoint's parameters (Describe's openapi_operation_json is set, as for
  // aux v2), so the endpoint needs the HTTP request as it is. An auxiliary endpoint that is
  // POST-only, has a fixed path and binds no parameters is aux v1: a JSON call like perform.
  static JobEndpoint Make(std::string path, EndpointKind kind, MethodMask methods,
                          bool path_template, bool binds_parameters);

 private:
  std::vector<JobEndpoint> endpoints_;
};

// The routes of the endpoints Describe listed (perform is a built-in route and is skipped).
std::vector<JobEndpoint> JobEndpointsFrom(
    const std::vector<forward::EndpointDescription>& described);

// True if `path` matches the template `pattern`, where a segment "{name}" (or "{name:...}")
// matches any one non-empty segment.
bool MatchesTemplate(std::string_view pattern, std::string_view path);

}  // namespace gw::routing
