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

}  // namespace

AccessLog::AccessLog()
    : tracing_header_(LowerEnv("REQUEST_TRACING_HEADER", "X-Request-Tracing-Id")),
      caller_header_(LowerEnv("CALLER_NAME_HEADER", "X-Caller-Name")),
      log_caller_name_(log::EnvFlag("LOG_CALLER_NAME")) {}

bool AccessLog::IsQuiet(const http::Request& request) {
  if (request.method != http::Method::kGet) return false;
  static constexpr std::array<std::string_view, 8> kQuiet = {
      "/live", "/live/", "/ready", "/ready/", "/health", "/health/", "/metrics", "/metrics/"};
  return std::find(kQuiet.begin(), kQuiet.end(), request.target) != kQuiet.end();
}

size_t AccessLog::CollectExtras(const http::Request& request,
                                std::array<log::Extra, 2>* extras) const {
  size_t n = 0;
  // An empty header counts as absent (spec §11.2): chain calls forward empty ones.
  if (const std::string* id = request.FindHeader(tracing_header_); id && !id->empty()) {
    (*extras)[n++] = {"tracing_id", *id};
  }
  if (log_caller_name_) {
    if (const std::string* caller = request.FindHeader(caller_header_);
        caller && !caller->empty()) {
      (*extras)[n++] = {"caller_name", *caller};
    }
  }
  return n;
}

void AccessLog::Started(const http::Request& request) const {
  if (!log::Enabled(log::Level::kDebug) || IsQuiet(request)) return;
  std::string line = "Request: ";
  line.append(request.method_name).append(" ").append(request.target);
  std::array<log::Extra, 2> extras;
  size_t n = CollectExtras(request, &extras);
  log::Write(log::Level::kDebug, line, std::span(extras.data(), n));
}

void AccessLog::Finished(const http::Request& request, int status) const {
  if (!log::Enabled(log::Level::kInfo) || (status == 200 && IsQuiet(request))) return;
  std::string line = request.method_name;
  line.append(" ").append(request.target).append(" ").append(std::to_string(status));
  std::array<log::Extra, 2> extras;
  size_t n = CollectExtras(request, &extras);
  log::Write(log::Level::kInfo, line, std::span(extras.data(), n));
}

}  // namespace gw::api
