// Serialisation of HTTP/1.1 responses into a connection's output buffer. Every response carries
// date, server, content-type (if any), content-length and, when closing, "connection: close".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace gw::http {

struct ResponseHead {
  int status = 200;
  std::string_view content_type;  // empty: no content-type header
  std::vector<Header> headers;    // extra headers, written as given
  bool close = false;             // adds "connection: close"
};

inline constexpr std::string_view kJson = "application/json";

// Appends status line, headers and (unless head_only) the body to `out`. content-length is
// always the body's length, also for HEAD; 1xx, 204 and 304 responses have neither
// content-length nor body, as RFC 9110 requires.
void AppendResponse(std::string* out, const ResponseHead& head, std::string_view body,
                    bool head_only);

std::string_view StatusReason(int status);

}  // namespace gw::http
