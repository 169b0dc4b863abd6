#include "http/errors.h"

#include <array>

#include "api/json_text.h"
#include "racetrack/worker/v1/worker.pb.h"

namespace gw::http {
namespace {

namespace pb = ::racetrack::worker::v1;

std::string_view Shared(pb::ErrorType type) { return pb::ErrorType_Name(type); }

constexpr size_t kErrors = 16;

const std::array<ErrorSpec, kErrors>& Table() {
  // Indexed by Error; built once (the shared names come from the generated descriptor).
  static const std::array<ErrorSpec, kErrors> table = {{
      {404, "", "Not Found", false},
      {405, "", "Method Not Allowed", false},
      {429, "", "too many requests waiting in a queue", true},
      {400, "BadRequest", "bad request", false},
      {414, "UriTooLong", "the request target is too long", false},
      {431, "HeadersTooLarge", "the request headers are too large", false},
      {413, "PayloadTooLarge", "the request body is too large", false},
      {501, "NotImplemented", "not implemented", false},
      {408, "RequestTimeout", "timed out waiting for the request", false},
      {417, "ExpectationFailed", "unsupported expectation", false},
      {503, "Overloaded", "the gateway has reached its connection limit", false},
      {503, Shared(pb::JobNotReady), "the job is not ready yet", true},
      {503, Shared(pb::JobNotReady), "the job failed to initialize", true},
      {502, Shared(pb::WorkerUnavailable), "the worker failed to answer", false},
      {504, Shared(pb::Timeout), "the job did not answer in time", false},
      {503, "ServiceUnavailable", "the gateway is shutting down", false},
  }};
  return table;
}

}  // namespace

const ErrorSpec& Spec(Error error) { return Table()[static_cast<size_t>(error)]; }

std::string ErrorBody(Error error, std::string_view detail) {
  const ErrorSpec& spec = Spec(error);
  std::string_view text = detail.empty() ? spec.message : detail;
  if (spec.type.empty()) {
    std::string body = "{\"detail\":";
    api::AppendJsonString(&body, text);
    body.push_back('}');
    return body;
  }
  return api::ErrorBody(text, spec.type);
}

Error ErrorFor(ParseError error) {
  switch (error) {
    case ParseError::kUrlTooLong:
      return Error::kUriTooLong;
    case ParseError::kHeadersTooLarge:
      return Error::kHeadersTooLarge;
    case ParseError::kBodyTooLarge:
      return Error::kPayloadTooLarge;
    case ParseError::kUnsupported:
      return Error::kNotImplemented;
    case ParseError::kExpectation:
      return Error::kExpectationFailed;
    case ParseError::kMalformed:
    case ParseError::kNone:
      break;
  }
  return Error::kBadRequest;
}

void AppendErrorHeaders(Error error, std::vector<Header>* headers) {
  if (Spec(error).retry_after) headers->push_back(Header{"retry-after", "1"});
}

}  // namespace gw::http
