// CORS as the original's CORSMiddleware(allow_origins=["*"], allow_credentials=True,
// allow_methods=["*"], allow_headers=["*"]) answers it (spec §5.6): a preflight on any path gets
// 200 "OK" from the gateway itself; a simple request with Origin gets two extra headers.
#pragma once

#include <string_view>
#include <vector>

#include "http/request.h"

namespace gw::api {

inline constexpr std::string_view kPreflightBody = "OK";
inline constexpr std::string_view kPreflightContentType = "text/plain; charset=utf-8";

// OPTIONS with both Origin and Access-Control-Request-Method.
bool IsPreflight(const http::Request& request);

// The headers of the preflight answer, in the original's order.
std::vector<http::Header> PreflightHeaders(const http::Request& request);

// For a request with Origin: appends access-control-allow-origin: * and
// access-control-allow-credentials: true. Nothing for requests without Origin.
void AppendSimpleCorsHeaders(const http::Request& request, std::vector<http::Header>* headers);

}  // namespace gw::api
