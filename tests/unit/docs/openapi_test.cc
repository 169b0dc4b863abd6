// Unit tests of the OpenAPI document (spec §6.3): parsed back with nlohmann_json, they check the
// info, servers and security blocks, the paths in the original's order, perform's example body
// and how the worker's auxiliary and static endpoints are described.
#include "docs/openapi.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gw::docs {
namespace {

using Json = nlohmann::ordered_json;
using Endpoint = forward::EndpointDescription;

forward::JobDescription PrimeDescription() {
  forward::JobDescription d;
  d.perform_example_json = R"({"number":7907})";
  Endpoint perform;
  perform.path = "/perform";
  perform.methods = {"POST"};
  perform.kind = Endpoint::Kind::kPerform;
  perform.description = "Check if a number is prime";
  perform.input_example_json = d.perform_example_json;
  d.endpoints.push_back(perform);
  return d;
}

JobIdentity Primer() { return {"primer", "0.0.1", "/pub/job/primer/0.0.1"}; }

std::vector<std::string> Keys(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

TEST(DocsOpenApiTest, InfoServersAndSecurity) {
  Json doc = Json::parse(BuildOpenApi(PrimeDescription(), Primer()));
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"], Json::parse(R"({"title":"Job - primer",)"
                                     R"("description":"Job Module wrapped in a REST server",)"
                                     R"("version":"0.0.1"})"));
  EXPECT_EQ(doc["servers"],
            Json::parse(R"([{"url":"/pub/job/primer/0.0.1","description":"proxy prefixed path"},)"
                        R"({"url":"/","description":"root base path"}])"));
  EXPECT_EQ(doc["components"]["securitySchemes"]["racetrackAuth"],
            Json::parse(R"({"type":"apiKey","in":"header","name":"X-Racetrack-Auth"})"));
  EXPECT_EQ(doc["security"], Json::parse(R"([{"racetrackAuth":[]}])"));
  EXPECT_EQ(Keys(doc["components"]["schemas"]),
            (std::vector<std::string>{"HTTPValidationError", "ValidationError"}));
}

TEST(DocsOpenApiTest, PathsInTheOriginalsOrder) {
  Json doc = Json::parse(BuildOpenApi(PrimeDescription(), Primer()));
  EXPECT_EQ(Keys(doc["paths"]),
            (std::vector<std::string>{"/health", "/live", "/ready", "/api/v1/perform",
                                      "/api/v1/parameters", "/"}));
  const Json& health = doc["paths"]["/health"]["get"];
  EXPECT_EQ(health["tags"], Json::parse(R"(["root"])"));
  EXPECT_EQ(health["summary"], " Health");
  EXPECT_EQ(health["operationId"], "_health_health_get");
  EXPECT_EQ(health["description"], "Report current aggregated application status");
  EXPECT_EQ(doc["paths"]["/api/v1/parameters"]["get"]["operationId"],
            "_get_parameters_api_v1_parameters_get");
  EXPECT_EQ(doc["paths"]["/"]["get"]["operationId"], "_root_endpoint__get");
  EXPECT_FALSE(doc["paths"]["/"]["get"].contains("tags"));
}

TEST(DocsOpenApiTest, PerformHasItsExampleAndValidationError) {
  Json doc = Json::parse(BuildOpenApi(PrimeDescription(), Primer()));
  const Json& perform = doc["paths"]["/api/v1/perform"]["post"];
  EXPECT_EQ(perform["summary"], "Call main action");
  EXPECT_EQ(perform["description"], "Call main action: Check if a number is prime");
  EXPECT_EQ(perform["operationId"], "_perform_endpoint_api_v1_perform_post");
  EXPECT_EQ(perform["requestBody"]["content"]["application/json"]["schema"],
            Json::parse(R"({"type":"object","title":"Payload","default":{"number":7907}})"));
  EXPECT_EQ(perform["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/HTTPValidationError");
}

TEST(DocsOpenApiTest, PerformDescriptionFromEitherSdk) {
  forward::JobDescription d = PrimeDescription();
  d.endpoints[0].description = "Call main action: Check";  // as the Python SDK sends it
  Json doc = Json::parse(BuildOpenApi(d, Primer()));
  EXPECT_EQ(doc["paths"]["/api/v1/perform"]["post"]["description"], "Call main action: Check");
  d.endpoints[0].description.clear();
  d.perform_example_json.reset();
  doc = Json::parse(BuildOpenApi(d, Primer()));
  const Json& perform = doc["paths"]["/api/v1/perform"]["post"];
  EXPECT_EQ(perform["description"], "Call main action");
  EXPECT_FALSE(perform["requestBody"]["content"]["application/json"]["schema"].contains("default"));
}

TEST(DocsOpenApiTest, AuxiliaryAndStaticEndpointsFollowParameters) {
  forward::JobDescription d = PrimeDescription();
  Endpoint explain;
  explain.path = "/explain";
  explain.methods = {"POST"};
  explain.kind = Endpoint::Kind::kAuxiliary;
  explain.summary = "Call auxiliary endpoint: /explain";
  explain.description = "Explain the result";
  explain.input_example_json = R"({"x":1})";
  Endpoint multiply;
  multiply.path = "/multiply/{x}";
  multiply.methods = {"GET"};
  multiply.kind = Endpoint::Kind::kAuxiliary;
  multiply.openapi_operation_json = R"({"operationId":"custom","parameters":[]})";
  Endpoint xrai;
  xrai.path = "/xrai";
  xrai.methods = {"GET"};
  xrai.kind = Endpoint::Kind::kStatic;
  Endpoint webview;
  webview.path = "/webview";
  webview.kind = Endpoint::Kind::kWebview;
  webview.methods = {"GET"};
  d.endpoints.insert(d.endpoints.end(), {explain, multiply, xrai, webview});

  Json doc = Json::parse(BuildOpenApi(d, Primer()));
  EXPECT_EQ(Keys(doc["paths"]),
            (std::vector<std::string>{"/health", "/live", "/ready", "/api/v1/perform",
                                      "/api/v1/parameters", "/api/v1/explain",
                                      "/api/v1/multiply/{x}", "/api/v1/xrai", "/"}));
  const Json& aux = doc["paths"]["/api/v1/explain"]["post"];
  EXPECT_EQ(aux["operationId"], "auxiliary_endpoint__explain");
  EXPECT_EQ(aux["summary"], "Call auxiliary endpoint: /explain");
  EXPECT_EQ(aux["description"], "Call auxiliary endpoint: Explain the result");
  EXPECT_EQ(aux["requestBody"]["content"]["application/json"]["schema"]["default"],
            Json::parse(R"({"x":1})"));
  EXPECT_EQ(doc["paths"]["/api/v1/multiply/{x}"]["get"],
            Json::parse(R"({"operationId":"custom","parameters":[]})"));
  EXPECT_EQ(doc["paths"]["/api/v1/xrai"]["get"]["operationId"], "static_endpoint_/xrai");
}

TEST(DocsOpenApiTest, InvalidWorkerFragmentsDoNotBreakTheDocument) {
  forward::JobDescription d = PrimeDescription();
  d.perform_example_json = "{not json";
  Endpoint broken;
  broken.path = "/broken";
  broken.methods = {"POST"};
  broken.kind = Endpoint::Kind::kAuxiliary;
  broken.openapi_operation_json = "[unclosed";
  d.endpoints.push_back(broken);
  Json doc = Json::parse(BuildOpenApi(d, Primer()));
  EXPECT_EQ(doc["paths"]["/api/v1/broken"]["post"]["operationId"], "auxiliary_endpoint__broken");
}

TEST(DocsOpenApiTest, LoadingDocumentListsOnlyTheProbes) {
  Json doc = Json::parse(BuildLoadingOpenApi("", "1.0.0"));
  EXPECT_EQ(doc["info"], Json::parse(R"({"title":"Job - ","version":"1.0.0"})"));
  EXPECT_EQ(Keys(doc["paths"]), (std::vector<std::string>{"/health", "/live", "/ready"}));
  EXPECT_FALSE(doc.contains("security"));
  EXPECT_FALSE(doc.contains("servers"));
}

TEST(DocsOpenApiTest, NamesAreEscaped) {
  Json doc = Json::parse(BuildOpenApi(PrimeDescription(), {"a\"b", "1", "/pub/job/a\"b/1"}));
  EXPECT_EQ(doc["info"]["title"], "Job - a\"b");
}

}  // namespace
}  // namespace gw::docs
