#include "api/access_log.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "observability/log.h"

namespace gw::api {
namespace {

std::string LowerEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  std::string out = value != nullptr && *value != '\0' ? value : fallback;
  // tolower() of a negative char (non-ASCII byte) is undefined: go through unsigned char.
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool EnvFlag(const char* name) {
  std::string v = LowerEnv(name, "");
  return v == "true" || v == "t" || v == "yes" || v == "y" || v == "1";
}

// `, key=value`, or `, key="value"` when the value has a space (the original's extras format).
void AppendExtra(std::string* line, std::string_view key, std::string_view value) {
  line->append(", ");
  line->append(key);
  line->push_back('=');
  bool quote = value.find(' ') != std::string_view::npos;
  if (quote) line->push_back('"');
  line->append(value);
  if (quote) line->push_back('"');
}

}  // namespace

AccessLog::AccessLog()
    : tracing_header_(LowerEnv("REQUEST_TRACING_HEADER", "X-Request-Tracing-Id")),
      caller_header_(LowerEnv("CALLER_NAME_HEADER", "X-Caller-Name")),
      log_caller_name_(EnvFlag("LOG_CALLER_NAME")) {}

bool AccessLog::IsQuiet(const http::Request& request) {
  if (request.method != http::Method::kGet) return false;
  static constexpr std::array<std::string_view, 8> kQuiet = {
      "/live", "/live/", "/ready", "/ready/", "/health", "/health/", "/metrics", "/metrics/"};
  return std::find(kQuiet.begin(), kQuiet.end(), request.target) != kQuiet.end();
}

void AccessLog::AppendExtras(const http::Request& request, std::string* line) const {
  if (const std::string* id = request.FindHeader(tracing_header_)) {
    AppendExtra(line, "tracing_id", *id);
  }
  if (log_caller_name_) {
    if (const std::string* caller = request.FindHeader(caller_header_)) {
      AppendExtra(line, "caller_name", *caller);
    }
  }
}

void AccessLog::Started(const http::Request& request) const {
  if (!log::Enabled(log::Level::kDebug) || IsQuiet(request)) return;
  std::string line = "Request: ";
  line.append(request.method_name).append(" ").append(request.target);
  AppendExtras(request, &line);
  log::Write(log::Level::kDebug, line);
}

void AccessLog::Finished(const http::Request& request, int status) const {
  if (!log::Enabled(log::Level::kInfo) || (status == 200 && IsQuiet(request))) return;
  std::string line = request.method_name;
  line.append(" ").append(request.target).append(" ").append(std::to_string(status));
  AppendExtras(request, &line);
  log::Write(log::Level::kInfo, line);
}

}  // namespace gw::api
