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
  kParameters,  // GET /api/v1/parameters: perform's signature, from Describe
};

// Bit set of methods a route accepts.
using MethodMask = uint8_t;
constexpr MethodMask Bit(http::Method m) { return static_cast<MethodMask>(1u << static_cast<int>(m)); }
constexpr MethodMask kGet = Bit(http::Method::kGet) | Bit(http::Method::kHead);  // HEAD on GET routes
constexpr MethodMask kPost = Bit(http::Method::kPost);

struct RouteMatch {
  RouteId id = RouteId::kNotFound;
  bool method_allowed = false;   // false with a route found: answer 405
  std::string_view allow;        // value of the Allow header for 405
  std::string_view prefix;       // the matched "/pub/job/n/v" prefix, or empty
  std::string_view rest;         // the path without the prefix
};

class Router {
 public:
  Router();

  // Adds an exact-path route (path relative to the prefix, e.g. "/api/v1/perform").
  void Add(std::string path, MethodMask methods, RouteId id);

  RouteMatch Match(http::Method method, std::string_view path) const;

  // Splits a `/pub/job/n/v...` or `/pub/fatman/n/v...` path: returns the prefix length (0 if
  // the path carries no prefix). `exact` is set when nothing follows the prefix.
  static size_t PrefixLength(std::string_view path, bool* exact);

 private:
  struct Entry {
    std::string path;
    MethodMask methods;
    RouteId id;
    std::string allow;
  };
  std::vector<Entry> entries_;
};

}  // namespace gw::routing
