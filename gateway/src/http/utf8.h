// UTF-8 validation for what the gateway forwards as protobuf `string` fields (request target and
// header values): a field that is not UTF-8 makes the worker reject the whole message, which ends
// the stream every call shares, so such a request is refused at the HTTP layer instead.
#pragma once

#include <string_view>

namespace gw::http {

bool IsValidUtf8(std::string_view text);

}  // namespace gw::http
