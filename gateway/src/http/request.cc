// Accessors of Request: the target's path/query split and header lookup. They return views into
// the Request's own strings, valid as long as the Request is alive and unchanged.
#include "http/request.h"

namespace gw::http {

std::string_view Request::Path() const {
  std::string_view view = target;
  return view.substr(0, view.find('?'));
}

std::string_view Request::Query() const {
  std::string_view view = target;
  size_t question = view.find('?');
  return question == std::string_view::npos ? std::string_view() : view.substr(question + 1);
}

const std::string* Request::FindHeader(std::string_view lower_name) const {
  for (const Header& header : headers) {
    if (header.name == lower_name) return &header.value;
  }
  return nullptr;
}

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kPatch:
      return "PATCH";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  // kOther covers every method without its own enumerator; Request::method_name has the real one.
  return "OTHER";
}

}  // namespace gw::http
