// Starlette's redirect_slashes (spec §5.4): when no route matches, the path with its trailing
// slash toggled is tried; if that one has a route (for any method), the answer is a 307 to it,
// with an absolute location built from the Host header. /metrics and the webview base URL are
// exempt: the original forwards those internally instead of redirecting.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "routing/router.h"

namespace gw::routing {

// The toggled path if it has a route, else nullopt. `path` is the full request path (with any
// /pub/job/n/v prefix, which is kept).
std::optional<std::string> SlashRedirectPath(const Router& router, http::Method method,
                                             std::string_view path);

// "http://<host><path>[?<query>]"
std::string AbsoluteLocation(std::string_view host, std::string_view path, std::string_view query);

}  // namespace gw::routing
