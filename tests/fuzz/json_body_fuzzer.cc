// libFuzzer target: the perform body check (api/json_body). The first byte picks the
// Content-Type; the rest is the body. Whatever the body, the check must answer, and a refusal
// must carry a JSON error body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static gw::api::JsonBodyChecker checker(64 * 1024);
  static const std::string kTypes[] = {"application/json", "application/vnd.x+json; charset=utf-8",
                                       "text/plain", "application/x-www-form-urlencoded", ""};
  const uint8_t pick = data[0] % 6;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string* content_type = pick < 5 ? &kTypes[pick] : nullptr;
  gw::api::BodyCheck check = checker.Check(content_type, body);
  if (check.verdict == gw::api::BodyVerdict::kInvalid) {
    if (check.status != 400 && check.status != 422) std::abort();
    if (check.error_body.empty() || check.error_body.front() != '{') std::abort();
  }
  if (content_type != nullptr && !gw::api::IsJsonContentType(*content_type) && size > 1 &&
      check.verdict == gw::api::BodyVerdict::kObject) {
    std::abort();  // a non-JSON type never forwards a body (CSRF)
  }
  return 0;
}
