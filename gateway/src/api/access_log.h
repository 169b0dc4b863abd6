// The original runner's access lines (spec §15.4): DEBUG "Request: GET /path" when a request
// arrives and INFO "GET /path 200" once answered, with tracing id and caller name appended.
// Probe and metrics requests are not logged (unless prefixed, or not 200), as the original.
#pragma once

#include <array>
#include <string>

#include "http/request.h"
#include "observability/log.h"

namespace gw::api {

class AccessLog {
 public:
  AccessLog();  // reads REQUEST_TRACING_HEADER, CALLER_NAME_HEADER, LOG_CALLER_NAME

  void Started(const http::Request& request) const;
  void Finished(const http::Request& request, int status) const;

  // True for the exact lines the original suppresses ("GET /live", ..., "GET /metrics/").
  static bool IsQuiet(const http::Request& request);

 private:
  // tracing_id and caller_name, when present: written as `, key=value` or as JSON keys.
  size_t CollectExtras(const http::Request& request, std::array<log::Extra, 2>* extras) const;

  std::string tracing_header_;  // lower case
  std::string caller_header_;   // lower case
  bool log_caller_name_ = false;
};

}  // namespace gw::api
