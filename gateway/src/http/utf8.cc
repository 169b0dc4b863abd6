#include "http/utf8.h"

#include <simdjson.h>

namespace gw::http {

bool IsValidUtf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

}  // namespace gw::http
