// Size and time limits of the HTTP server. Each limit is checked in exactly one place (the codec
// for sizes, the connection for times, the listener for connections); the defaults are named
// here. README.md "Limits and failure behaviour" lists what a client sees for each.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace gw::http {

inline constexpr size_t kDefaultMaxUrlBytes = 8 * 1024;
inline constexpr size_t kDefaultMaxHeaderBytes = 32 * 1024;  // all header names + values
inline constexpr size_t kDefaultMaxHeaderCount = 100;
inline constexpr size_t kDefaultMaxBodyBytes = 64 * 1024 * 1024;
inline constexpr uint64_t kDefaultHeaderTimeoutMs = 10'000;
inline constexpr uint64_t kDefaultBodyTimeoutMs = 30'000;
inline constexpr uint64_t kDefaultKeepAliveTimeoutMs = 60'000;
inline constexpr size_t kDefaultMaxConnections = 10'000;

// The largest gRPC message to or from the worker (--max-message-bytes).
inline constexpr size_t kDefaultMaxMessageBytes = 64 * 1024 * 1024;
// Room kept in a gRPC message for the call's envelope (ids, endpoint, method, field tags and
// lengths) around what the request itself brings (target, header fields, body). A request that
// would not fit gets 413 alone; sent on, it would reset the stream every call shares.
inline constexpr size_t kMessageEnvelopeHeadroomBytes = 64 * 1024;

// What a request may bring into one call message: the message limit minus the envelope headroom
// (a quarter of the message at most, for very small message limits).
constexpr size_t ForwardBudget(size_t max_message_bytes) {
  return max_message_bytes - std::min(kMessageEnvelopeHeadroomBytes, max_message_bytes / 4);
}

struct Limits {
  size_t max_url_bytes = kDefaultMaxUrlBytes;
  size_t max_header_bytes = kDefaultMaxHeaderBytes;
  size_t max_header_count = kDefaultMaxHeaderCount;
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  // target + header names and values + body; derived from --max-message-bytes.
  size_t max_forward_bytes = ForwardBudget(kDefaultMaxMessageBytes);
  uint64_t header_timeout_ms = kDefaultHeaderTimeoutMs;         // first byte to end of headers
  uint64_t body_timeout_ms = kDefaultBodyTimeoutMs;             // end of headers to end of body
  uint64_t keep_alive_timeout_ms = kDefaultKeepAliveTimeoutMs;  // idle between requests
  size_t max_connections = kDefaultMaxConnections;              // open at once; beyond: 503
};

}  // namespace gw::http
