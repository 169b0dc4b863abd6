// Maps a request path and method to what answers it. Strips the Racetrack prefixes
// `/pub/job/{name}/{version}` and `/pub/fatman/{name}/{version}` (any name and version, as the
// original), then looks the rest up in a small table. Pure: no I/O, no allocation per lookup.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace gw::routing {

enum class RouteId : uint8_t {
  kNotFound,
  kPrefixRedirect,  // GET /pub/job/n/v → 307 /pub/job/n/v/
  kLive,
  kReady,
  kHealth,
  kRoot,  // GET / → 307 {base_url}{home_page}
  kPerform,
  kParameters,   // GET /api/v1/parameters: perform's signature, from Describe
  kMetrics,      // any method on /metrics and /metrics/... (spec §12)
  kJobEndpoint,  // a job endpoint from Describe (aux, static, webview): see RouteMatch::endpoint
  kOpenApi,      // GET /openapi.json (spec §6.3)
  kDocs,         // GET /docs: the Swagger UI page
  kDocsOAuth2Redirect,  // GET /docs/oauth2-redirect
  kDocsAsset,           // GET /docs/<asset>: the embedded swagger-ui-dist files
};

struct JobEndpoint;
class JobRoutes;

// Bit set of methods a route accepts.
using MethodMask = uint8_t;
constexpr MethodMask Bit(http::Method m) {
  return static_cast<MethodMask>(1u << static_cast<int>(m));
}
constexpr MethodMask kGet =
    Bit(http::Method::kGet) | Bit(http::Method::kHead);  // HEAD on GET routes
constexpr MethodMask kPost = Bit(http::Method::kPost);
constexpr MethodMask kAnyMethod = 0xFF;  // every method, also unknown ones

struct RouteMatch {
  RouteId id = RouteId::kNotFound;
  bool method_allowed = false;            // false with a route found: answer 405
  std::string_view allow;                 // value of the Allow header for 405
  std::string_view prefix;                // the matched "/pub/job/n/v" prefix, or empty
  std::string_view rest;                  // the path without the prefix
  const JobEndpoint* endpoint = nullptr;  // kJobEndpoint: valid until the job routes change
};

// The Allow header value for a set of methods, e.g. "GET, HEAD".
std::string AllowHeader(MethodMask methods);

class Router {
 public:
  Router();

  // Adds an exact-path route (path relative to the prefix, e.g. "/api/v1/perform").
  void Add(std::string path, MethodMask methods, RouteId id);
  // Adds a route for `path` and every path below it ("/metrics", "/metrics/foo").
  void AddPrefix(std::string path, MethodMask methods, RouteId id);

  RouteMatch Match(http::Method method, std::string_view path) const;

  // The job's routes, consulted after the built-in table (nullptr: none). Not owned.
  void SetJobRoutes(const JobRoutes* job_routes) { job_routes_ = job_routes; }

  // Splits a `/pub/job/n/v...` or `/pub/fatman/n/v...` path: returns the prefix length (0 if
  // the path carries no prefix). `exact` is set when nothing follows the prefix.
  static size_t PrefixLength(std::string_view path, bool* exact);

 private:
  struct Entry {
    std::string path;
    MethodMask methods;
    RouteId id;
    std::string allow;
    bool prefix = false;  // also matches path + "/..."
  };
  std::vector<Entry> entries_;
  const JobRoutes* job_routes_ = nullptr;
};

}  // namespace gw::routing
