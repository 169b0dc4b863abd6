#include "routing/router.h"

#include "routing/job_routes.h"

namespace gw::routing {
namespace {

constexpr std::string_view kJobPrefix = "/pub/job/";
constexpr std::string_view kFatmanPrefix = "/pub/fatman/";

}  // namespace

std::string AllowHeader(MethodMask methods) {
  std::string allow;
  for (auto m : {http::Method::kGet, http::Method::kHead, http::Method::kPost, http::Method::kPut,
                 http::Method::kDelete, http::Method::kPatch, http::Method::kOptions}) {
    if ((methods & Bit(m)) == 0) continue;
    if (!allow.empty()) allow.append(", ");
    allow.append(http::MethodName(m));
  }
  return allow;
}

Router::Router() {
  Add("/live", kGet, RouteId::kLive);
  Add("/ready", kGet, RouteId::kReady);
  Add("/health", kGet, RouteId::kHealth);
  Add("/", kGet, RouteId::kRoot);
  Add("/api/v1/perform", kPost, RouteId::kPerform);
  Add("/api/v1/parameters", kGet, RouteId::kParameters);
  Add("/openapi.json", kGet, RouteId::kOpenApi);
  Add("/docs", kGet, RouteId::kDocs);
  Add("/docs/oauth2-redirect", kGet, RouteId::kDocsOAuth2Redirect);
  for (const char* asset : {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}) {
    Add(std::string("/docs/") + asset, kGet, RouteId::kDocsAsset);
  }
  AddPrefix("/metrics", kAnyMethod, RouteId::kMetrics);
}

void Router::Add(std::string path, MethodMask methods, RouteId id) {
  entries_.push_back(Entry{std::move(path), methods, id, AllowHeader(methods)});
}

void Router::AddPrefix(std::string path, MethodMask methods, RouteId id) {
  entries_.push_back(Entry{std::move(path), methods, id, AllowHeader(methods), true});
}

size_t Router::PrefixLength(std::string_view path, bool* exact) {
  size_t start;
  if (path.starts_with(kJobPrefix)) {
    start = kJobPrefix.size();
  } else if (path.starts_with(kFatmanPrefix)) {
    start = kFatmanPrefix.size();
  } else {
    return 0;
  }
  // Two non-empty segments: {name}/{version}.
  size_t name_end = path.find('/', start);
  if (name_end == std::string_view::npos || name_end == start) return 0;
  size_t version_start = name_end + 1;
  size_t version_end = path.find('/', version_start);
  if (version_end == std::string_view::npos) version_end = path.size();
  if (version_end == version_start) return 0;
  *exact = version_end == path.size();
  return version_end;
}

RouteMatch Router::Match(http::Method method, std::string_view path) const {
  RouteMatch match;
  bool exact = false;
  size_t prefix_len = PrefixLength(path, &exact);
  if (prefix_len > 0 && exact) {
    // Only GET is routed for the bare prefix; anything else falls through to 404 (spec §5.3).
    if (method == http::Method::kGet || method == http::Method::kHead) {
      match.id = RouteId::kPrefixRedirect;
      match.method_allowed = true;
    }
    match.prefix = path;
    return match;
  }
  match.prefix = path.substr(0, prefix_len);
  match.rest = path.substr(prefix_len);
  for (const Entry& entry : entries_) {
    if (entry.path != match.rest &&
        !(entry.prefix && match.rest.size() > entry.path.size() &&
          match.rest[entry.path.size()] == '/' && match.rest.starts_with(entry.path))) {
      continue;
    }
    match.id = entry.id;
    match.method_allowed = (entry.methods & Bit(method)) != 0;
    match.allow = entry.allow;
    return match;
  }
  if (job_routes_ != nullptr) {
    JobRouteMatch job = job_routes_->Match(method, match.rest);
    if (job.endpoint != nullptr) {
      match.id = RouteId::kJobEndpoint;
      match.method_allowed = job.method_allowed;
      match.allow = job.endpoint->allow;
      match.endpoint = job.endpoint;
    }
  }
  return match;
}

}  // namespace gw::routing
