#include "api/json_text.h"

namespace gw::api {

void AppendJsonString(std::string* out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

std::string ErrorBody(std::string_view message, std::string_view type) {
  std::string out;
  out.reserve(message.size() + type.size() + 24);
  out.append("{\"error\":");
  AppendJsonString(&out, message);
  out.append(",\"type\":");
  AppendJsonString(&out, type);
  out.push_back('}');
  return out;
}

}  // namespace gw::api
