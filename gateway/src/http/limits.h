// Size and time limits of the HTTP server. Each limit is checked in exactly one place (the codec
// for sizes, the connection for times); the defaults are named here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gw::http {

inline constexpr size_t kDefaultMaxUrlBytes = 8 * 1024;
inline constexpr size_t kDefaultMaxHeaderBytes = 32 * 1024;  // all header names + values
inline constexpr size_t kDefaultMaxHeaderCount = 100;
inline constexpr size_t kDefaultMaxBodyBytes = 64 * 1024 * 1024;
inline constexpr uint64_t kDefaultHeaderTimeoutMs = 10'000;
inline constexpr uint64_t kDefaultKeepAliveTimeoutMs = 60'000;

struct Limits {
  size_t max_url_bytes = kDefaultMaxUrlBytes;
  size_t max_header_bytes = kDefaultMaxHeaderBytes;
  size_t max_header_count = kDefaultMaxHeaderCount;
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  uint64_t header_timeout_ms = kDefaultHeaderTimeoutMs;         // first byte to end of headers
  uint64_t keep_alive_timeout_ms = kDefaultKeepAliveTimeoutMs;  // idle between requests
};

}  // namespace gw::http
