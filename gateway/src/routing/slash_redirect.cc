#include "routing/slash_redirect.h"

#include <array>

namespace gw::routing {
namespace {

// Paths the original serves under "path/" without a redirect (TrailingSlashForwarder).
constexpr std::array<std::string_view, 2> kForwardedInternally = {"/metrics", "/api/v1/webview"};

bool Exempt(std::string_view path) {
  bool exact = false;
  std::string_view rest = path.substr(Router::PrefixLength(path, &exact));
  if (rest.ends_with('/')) rest.remove_suffix(1);
  for (std::string_view exempt : kForwardedInternally) {
    if (rest == exempt) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> SlashRedirectPath(const Router& router, http::Method method,
                                             std::string_view path) {
  if (path.empty() || path == "/" || Exempt(path)) return std::nullopt;
  // A bare "/pub/job/n/v" that reached here is a non-GET that fell through to the root mount,
  // where "/pub/job/n/v/" has no route either (spec §5.3).
  bool exact = false;
  if (Router::PrefixLength(path, &exact) > 0 && exact) return std::nullopt;
  std::string toggled(path);
  if (toggled.ends_with('/')) {
    toggled.pop_back();
  } else {
    toggled.push_back('/');
  }
  RouteMatch match = router.Match(method, toggled);
  if (match.id == RouteId::kNotFound || match.id == RouteId::kPrefixRedirect) return std::nullopt;
  return toggled;
}

std::string AbsoluteLocation(std::string_view host, std::string_view path, std::string_view query) {
  std::string location = "http://";
  location.append(host).append(path);
  if (!query.empty()) location.append("?").append(query);
  return location;
}

}  // namespace gw::routing
