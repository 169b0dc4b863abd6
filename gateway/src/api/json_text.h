// Small helpers to write JSON text by hand on paths where building a document would cost more
// than the text itself (probe bodies, error bodies).
#pragma once

#include <string>
#include <string_view>

namespace gw::api {

// Appends `value` as a JSON string literal (with quotes), escaping as JSON requires.
void AppendJsonString(std::string* out, std::string_view value);

// `{"error":"<message>","type":"<type>"}`: the body of every gateway and job error.
std::string ErrorBody(std::string_view message, std::string_view type);

}  // namespace gw::api
