// The check the gateway makes on a POST /api/v1/perform body before forwarding it to the worker,
// answering as FastAPI 0.110 with pydantic 2.6 would (spec §7.1): use the input example, forward
// the object, or refuse with the exact 422/400 body. One JsonBodyChecker per event loop; it owns
// a simdjson parser whose buffers are reused from call to call, and it is not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace gw::api {

// Spare capacity a body buffer needs beyond its size for simdjson to parse it in place; the
// HTTP codec can reserve it up front. Equal to simdjson::SIMDJSON_PADDING (asserted in the .cc).
inline constexpr size_t kJsonBodyPadding = 64;

// After a body larger than this, the parser gives its buffers back down to this size, so one
// huge request does not pin memory for the life of the loop.
inline constexpr size_t kDefaultMaxRetainedParserBytes = 1024 * 1024;

enum class BodyVerdict { kUseExample, kObject, kInvalid };

struct BodyCheck {
  BodyVerdict verdict;
  int status = 0;          // for kInvalid: 422 or 400
  std::string error_body;  // for kInvalid: the exact JSON response body
};

// True if FastAPI parses a body with this Content-Type value as JSON: application/json or
// application/<anything>+json, parameters allowed, case-insensitive (email.message semantics).
bool IsJsonContentType(std::string_view value);

class JsonBodyChecker {
 public:
  explicit JsonBodyChecker(size_t max_retained_parser_bytes = kDefaultMaxRetainedParserBytes);
  ~JsonBodyChecker();
  JsonBodyChecker(const JsonBodyChecker&) = delete;
  JsonBodyChecker& operator=(const JsonBodyChecker&) = delete;

  // content_type: the Content-Type header value, or nullptr if absent (an empty value counts as
  // absent, as it does in FastAPI).
  // body: the request body. Buffer rule: the body is parsed in place, so if
  // body.capacity() < body.size() + kJsonBodyPadding, Check reserves the padding itself (one
  // reallocation and copy); a caller that reserves it while filling the body avoids the copy.
  // Check may also change the contents: a leading UTF-8 byte order mark is removed from a kObject
  // body, because the worker's JSON parser need not accept one. Otherwise the body is untouched.
  BodyCheck Check(const std::string* content_type, std::string& body);

 private:
  struct Impl;  // keeps simdjson's header out of this widely included one
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::api
