// Finds where and why a JSON text is malformed, in the words of Python's json module (the
// JSONDecodeError .pos and .msg that FastAPI puts in its 422 body). simdjson reports neither, so
// JsonBodyChecker runs this scanner on its error path only; it is cold code and allocates freely.
// The scanner is iterative (an explicit container stack), so hostile nesting cannot overflow the
// native stack.
#pragma once

#include <cstddef>
#include <string_view>

namespace gw::api {

// Containers nested deeper than this are refused, as simdjson's default parser refuses them
// (json_body.cc asserts the two agree): at most kJsonMaxDepth - 1 non-empty containers may be
// open at once, and an empty container counts only if it is inside them.
inline constexpr size_t kJsonMaxDepth = 1024;

// The messages that are not Python's own.
inline constexpr std::string_view kJsonDepthMessage = "Maximum nesting depth exceeded";

struct JsonScanResult {
  // True if `text` is one JSON value with optional surrounding whitespace, by the rules of
  // Python's json.loads except that NaN, Infinity and -Infinity are refused ("Expecting value"),
  // because simdjson refuses them and the gateway forwards bodies to workers unchanged.
  bool valid = false;
  bool top_level_object = false;  // when valid: the value is an object
  // When not valid: Python's JSONDecodeError.pos (an index in code points) and .msg.
  size_t char_offset = 0;
  std::string_view message;  // static storage
};

// `text` must be valid UTF-8 without a byte order mark (the caller strips one); offsets are
// counted in code points of `text`, as Python counts them in the decoded str.
JsonScanResult LocateJsonError(std::string_view text, size_t max_depth = kJsonMaxDepth);

}  // namespace gw::api
