// The one table of errors the gateway itself produces: each kind's status, "type", default
// message, and whether it carries Retry-After. Only the answering code renders bodies, from here;
// forward/ and the codec report typed outcomes. Types shared with the SDKs (JobNotReady,
// WorkerUnavailable, Timeout) are spelled once, in proto/ (ErrorType).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/parser.h"
#include "http/request.h"

namespace gw::http {

enum class Error : uint8_t {
  // Routing, in FastAPI's {"detail": ...} shape (spec §6).
  kNotFound,
  kMethodNotAllowed,
  kTooManyRequests,  // the concurrency cap's queue is full (spec §8); detail from admission
  // The request itself.
  kBadRequest,
  kUriTooLong,
  kHeadersTooLarge,
  kPayloadTooLarge,
  kNotImplemented,
  kRequestTimeout,
  kExpectationFailed,  // an Expect other than 100-continue
  kOverloaded,         // over --max-connections
  // The job and its worker.
  kJobNotReady,
  kJobFailedToLoad,
  kWorkerUnavailable,
  kTimeout,
  kShuttingDown,
};

struct ErrorSpec {
  int status;
  std::string_view type;     // "" for the {"detail": ...} shape
  std::string_view message;  // used when the caller gives no detail
  bool retry_after;          // answer with `Retry-After: 1`
};

const ErrorSpec& Spec(Error error);
// {"error":"<detail or message>","type":"<type>"}, or {"detail":"<detail or message>"}.
std::string ErrorBody(Error error, std::string_view detail = {});
// The headers that go with the error (Retry-After), appended to `headers`.
void AppendErrorHeaders(Error error, std::vector<Header>* headers);
// The answer to a request the codec refused.
Error ErrorFor(ParseError error);

}  // namespace gw::http
