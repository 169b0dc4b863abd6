// An HTTP/1.x request as the codec delivers it: method, target, headers and the whole body.
// A Request owns all of its bytes (no views into the read buffer), so it may outlive the
// connection's buffers and be moved to whoever answers it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::http {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

struct Header {
  std::string name;  // lower-cased by the codec
  std::string value;
};

struct Request {
  Method method = Method::kGet;
  std::string method_name;  // as sent, e.g. "GET"
  std::string target;       // request target as sent: path plus optional "?query"
  std::vector<Header> headers;
  std::string body;  // de-chunked
  uint8_t http_major = 1;
  uint8_t http_minor = 1;
  bool keep_alive = true;  // from the version and the Connection header

  // Path without the query string; query without the '?' (empty if none).
  std::string_view Path() const;
  std::string_view Query() const;
  // Value of the first header with this lower-case name, or nullptr.
  const std::string* FindHeader(std::string_view lower_name) const;
};

std::string_view MethodName(Method method);

}  // namespace gw::http
