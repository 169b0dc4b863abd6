#include "docs/openapi.h"

// simdjson 3.0.1's inline code trips GCC 12's -O2 flow warnings in its own header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <cctype>

#include "api/json_text.h"

namespace gw::docs {
namespace {

using Endpoint = forward::EndpointDescription;

constexpr std::string_view kApiPrefix = "/api/v1";
constexpr std::string_view kPerformPath = "/perform";

// FastAPI's default 200 response, and the 422 one of every endpoint that takes a body.
constexpr std::string_view kOkResponse =
    R"("200":{"description":"Successful Response","content":{"application/json":{"schema":{}}}})";
constexpr std::string_view kValidationErrorResponse =
    R"("422":{"description":"Validation Error","content":{"application/json":{"schema":)"
    R"({"$ref":"#/components/schemas/HTTPValidationError"}}}})";
constexpr std::string_view kComponentSchemas =
    R"("schemas":{"HTTPValidationError":{"properties":{"detail":{"items":)"
    R"({"$ref":"#/components/schemas/ValidationError"},"type":"array","title":"Detail"}},)"
    R"("type":"object","title":"HTTPValidationError"},"ValidationError":{"properties":{"loc":)"
    R"({"items":{"anyOf":[{"type":"string"},{"type":"integer"}]},"type":"array","title":"Location"},)"
    R"("msg":{"type":"string","title":"Message"},"type":{"type":"string","title":"Error Type"}},)"
    R"("type":"object","required":["loc","msg","type"],"title":"ValidationError"}})";
constexpr std::string_view kSecuritySchemes =
    R"("securitySchemes":{"racetrackAuth":{"type":"apiKey","in":"header","name":"X-Racetrack-Auth"}})";

struct Operation {
  std::string_view tag;  // empty: no tags
  std::string_view summary;
  std::string_view description;
  std::string_view operation_id;
};

void AppendKey(std::string* out, std::string_view key) {
  api::AppendJsonString(out, key);
  out->push_back(':');
}

// Appends `"tags":[...],"summary":...,"description":...,"operationId":...,` (no closing brace).
void AppendOperationHead(std::string* out, const Operation& op) {
  out->push_back('{');
  if (!op.tag.empty()) {
    out->append("\"tags\":[");
    api::AppendJsonString(out, op.tag);
    out->append("],");
  }
  AppendKey(out, "summary");
  api::AppendJsonString(out, op.summary);
  out->push_back(',');
  AppendKey(out, "description");
  api::AppendJsonString(out, op.description);
  out->push_back(',');
  AppendKey(out, "operationId");
  api::AppendJsonString(out, op.operation_id);
  out->push_back(',');
}

// A GET operation without a body: only the 200 response.
void AppendGetPath(std::string* out, std::string_view path, const Operation& op) {
  AppendKey(out, path);
  out->append("{\"get\":");
  AppendOperationHead(out, op);
  out->append("\"responses\":{");
  out->append(kOkResponse);
  out->append("}}},");
}

// The body of perform and of aux v1 endpoints: any object, the input example as its default.
void AppendPayloadBody(std::string* out, const std::optional<std::string>& example) {
  out->append(R"("requestBody":{"content":{"application/json":{"schema":)");
  out->append(R"({"type":"object","title":"Payload")");
  if (example && IsValidJson(*example)) {
    out->append(",\"default\":");
    out->append(*example);
  }
  out->append("}}}},");
}

void AppendBodyOperation(std::string* out, const Operation& op,
                         const std::optional<std::string>& example) {
  AppendOperationHead(out, op);
  AppendPayloadBody(out, example);
  out->append("\"responses\":{");
  out->append(kOkResponse);
  out->push_back(',');
  out->append(kValidationErrorResponse);
  out->append("}}");
}

void AppendProbePaths(std::string* out) {
  AppendGetPath(
      out, "/health",
      {"root", " Health", "Report current aggregated application status", "_health_health_get"});
  AppendGetPath(out, "/live",
                {"root", " Live",
                 "Report application liveness: whether it has started (but might not be ready yet)",
                 "_live_live_get"});
  AppendGetPath(out, "/ready",
                {"root", " Ready",
                 "Report application readiness: whether it's available for accepting traffic",
                 "_ready_ready_get"});
}

// "Call main action" or "Call main action: <docstring>". The Python SDK sends the full text, the
// C++ SDK only the docstring: both give the same description.
std::string Described(std::string_view lead, std::string_view description) {
  if (description.starts_with(lead)) return std::string(description);
  if (description.empty()) return std::string(lead);
  std::string out(lead);
  out.append(": ");
  out.append(description);
  return out;
}

void AppendPerformPath(std::string* out, const forward::JobDescription& d) {
  const Endpoint* perform = nullptr;
  for (const Endpoint& e : d.endpoints) {
    if (e.kind == Endpoint::Kind::kPerform) perform = &e;
  }
  std::string description = Described("Call main action", perform ? perform->description : "");
  AppendKey(out, "/api/v1/perform");
  out->append("{\"post\":");
  AppendBodyOperation(
      out, {"API", "Call main action", description, "_perform_endpoint_api_v1_perform_post"},
      d.perform_example_json);
  out->append("},");
}

std::string LowerMethod(std::string_view method) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The operation of one method of an auxiliary or static endpoint.
void AppendJobOperation(std::string* out, const Endpoint& e, std::string_view method) {
  if (!e.openapi_operation_json.empty() && IsValidJson(e.openapi_operation_json)) {
    out->append(e.openapi_operation_json);
    return;
  }
  if (e.kind == Endpoint::Kind::kStatic) {
    std::string id = "static_endpoint_" + e.path;
    AppendOperationHead(out, {"API", " Static Endpoint", "Serve a static file", id});
    out->append("\"responses\":{");
    out->append(kOkResponse);
    out->append("}}");
    return;
  }
  std::string id = "auxiliary_endpoint_" + e.path;
  for (char& c : id) c = c == '/' ? '_' : c;
  std::string summary = e.summary.empty() ? "Call auxiliary endpoint: " + e.path : e.summary;
  std::string description = Described("Call auxiliary endpoint", e.description);
  Operation op{"API", summary, description, id};
  if (method == "GET") {
    AppendOperationHead(out, op);
    out->append("\"responses\":{");
    out->append(kOkResponse);
    out->append("}}");
  } else {
    AppendBodyOperation(out, op, e.input_example_json);
  }
}

// Auxiliary and static endpoints in Describe's order. An endpoint whose route perform or
// parameters already take is left out: it never receives requests (spec §9.1).
void AppendJobPaths(std::string* out, const forward::JobDescription& d) {
  for (const Endpoint& e : d.endpoints) {
    if (e.kind != Endpoint::Kind::kAuxiliary && e.kind != Endpoint::Kind::kStatic) continue;
    if (e.path == kPerformPath || e.path == "/parameters" || e.methods.empty()) continue;
    AppendKey(out, std::string(kApiPrefix) + e.path);
    out->push_back('{');
    for (size_t i = 0; i < e.methods.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendKey(out, LowerMethod(e.methods[i]));
      AppendJobOperation(out, e, e.methods[i]);
    }
    out->append("},");
  }
}

void AppendInfo(std::string* out, std::string_view title_name,
                std::optional<std::string_view> description, std::string_view version) {
  out->append("\"info\":{");
  AppendKey(out, "title");
  api::AppendJsonString(out, std::string("Job - ").append(title_name));
  if (description) {
    out->push_back(',');
    AppendKey(out, "description");
    api::AppendJsonString(out, *description);
  }
  out->push_back(',');
  AppendKey(out, "version");
  api::AppendJsonString(out, version);
  out->append("},");
}

void CloseObject(std::string* out) {
  if (out->back() == ',') out->pop_back();
  out->push_back('}');
}

}  // namespace

bool IsValidJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  return parser.parse(padded).error() == simdjson::SUCCESS;
}

std::string BuildOpenApi(const forward::JobDescription& d, const JobIdentity& identity) {
  std::string out = R"({"openapi":"3.1.0",)";
  AppendInfo(&out, identity.name, "Job Module wrapped in a REST server", identity.version);
  out.append("\"servers\":[{\"url\":");
  api::AppendJsonString(&out, identity.base_url);
  out.append(
      R"(,"description":"proxy prefixed path"},{"url":"/","description":"root base path"}],)");
  out.append("\"paths\":{");
  AppendProbePaths(&out);
  AppendPerformPath(&out, d);
  AppendGetPath(&out, "/api/v1/parameters",
                {"API", " Get Parameters",
                 "Return required arguments & optional parameters that model accepts",
                 "_get_parameters_api_v1_parameters_get"});
  AppendJobPaths(&out, d);
  AppendGetPath(&out, "/", {"", " Root Endpoint", "Redirect to home page", "_root_endpoint__get"});
  CloseObject(&out);
  out.append(",\"components\":{");
  out.append(kComponentSchemas);
  out.push_back(',');
  out.append(kSecuritySchemes);
  out.append(R"(},"security":[{"racetrackAuth":[]}]})");
  return out;
}

std::string BuildLoadingOpenApi(std::string_view title_name, std::string_view version) {
  std::string out = R"({"openapi":"3.1.0",)";
  AppendInfo(&out, title_name, std::nullopt, version);
  out.append("\"paths\":{");
  AppendProbePaths(&out);
  CloseObject(&out);
  out.push_back('}');
  return out;
}

}  // namespace gw::docs
