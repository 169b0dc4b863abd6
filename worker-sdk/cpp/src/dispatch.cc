// One call against a loaded job, from payload text to result text or ErrorInfo.
#include "racetrack/internal/dispatch.h"

#include <cmath>
#include <exception>
#include <stdexcept>
#include <utility>

namespace racetrack::internal {
namespace {

constexpr char kNonFiniteMessage[] = "Out of range float values are not JSON compliant";

// nlohmann renders NaN and infinities as null; the original refuses them, so look first.
bool HasNonFinite(const Json& value) {
  switch (value.type()) {
    case Json::value_t::number_float:
      return !std::isfinite(value.get_ref<const Json::number_float_t&>());
    case Json::value_t::array:
    case Json::value_t::object:
      for (const Json& item : value) {
        if (HasNonFinite(item)) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

CallOutcome ErrorOutcome(int http_status, std::string type, std::string message) {
  CallOutcome outcome;
  outcome.error = {http_status, std::move(type), std::move(message)};
  return outcome;
}

CallOutcome SerializeResult(const Json& result) {
  if (HasNonFinite(result)) return ErrorOutcome(400, "ValueError", kNonFiniteMessage);
  CallOutcome outcome;
  try {
    outcome.result_json = result.dump();
  } catch (const Json::exception& e) {
    // For example a string that is not valid UTF-8.
    return ErrorOutcome(400, "ValueError", e.what());
  }
  outcome.ok = true;
  return outcome;
}

AuxiliaryTable CollectAuxiliaryEndpoints(Job& job) {
  AuxiliaryTable table;
  for (auto& [key, endpoint] : job.AuxiliaryEndpoints()) {
    std::string path = key.starts_with('/') ? key : "/" + key;
    if (path == kPerformPath || table.contains(path)) continue;
    if (!endpoint.handler) {
      throw std::invalid_argument("auxiliary endpoint " + path + " has no handler");
    }
    table.emplace(std::move(path), std::move(endpoint));
  }
  return table;
}

CallOutcome InvokeJob(Job& job, std::string_view endpoint, std::string_view payload_json,
                      const AuxiliaryTable& auxiliary) {
  const AuxiliaryEndpoint* aux = nullptr;
  if (endpoint != kPerformPath) {
    const auto found = auxiliary.find(endpoint);
    if (found == auxiliary.end()) {
      return ErrorOutcome(404, "EntityNotFound", "endpoint not found: " + std::string(endpoint));
    }
    aux = &found->second;
  }
  Json result;
  try {
    const Json args = payload_json.empty() ? Json::object() : Json::parse(payload_json);
    if (!args.is_object()) throw ValueError("the payload is not a JSON object");
    result = aux != nullptr ? aux->handler(args) : job.Perform(args);
  } catch (...) {
    CallOutcome outcome;
    outcome.error = MapJobException(std::current_exception());
    return outcome;
  }
  return SerializeResult(result);
}

}  // namespace racetrack::internal
