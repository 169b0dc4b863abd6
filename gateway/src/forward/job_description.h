// What a worker says about its job (the Describe RPC), as the rest of the gateway sees it:
// routing, docs and probes include this header, never the transport's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gw::forward {

// One endpoint the worker lists in Describe.
struct EndpointDescription {
  enum class Kind : uint8_t { kUnspecified, kPerform, kAuxiliary, kStatic, kWebview };
  std::string path;  // relative to /api/v1, e.g. "/perform", "/explain"
  std::vector<std::string> methods;
  Kind kind = Kind::kUnspecified;
  std::string summary;
  std::string description;
  std::optional<std::string> input_example_json;
  std::string mimetype;
  std::string openapi_operation_json;  // empty: the gateway describes the endpoint itself
  bool path_template = false;
};

// What the worker told us about its job once it became ready.
struct JobDescription {
  std::string class_name;
  std::optional<std::string> perform_example_json;
  std::string parameters_json;
  uint32_t max_concurrency = 0;
  std::string sdk;
  std::vector<EndpointDescription> endpoints;  // in the worker's order (perform first)
};

}  // namespace gw::forward
