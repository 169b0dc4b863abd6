// Auxiliary endpoints (aux v1, spec §9.1) of a C++ job, end to end: the real gateway supervising
// the adder example, whose AuxiliaryEndpoints() adds POST /api/v1/explain.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "shared_gateway.h"

namespace rt_it {
namespace {

constexpr std::string_view kExplain = "/api/v1/explain";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

class AdderAuxiliaryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gateway_ = LaunchReady(GatewayProcess::ForJob("adder_job")); }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> AdderAuxiliaryTest::gateway_;

TEST_F(AdderAuxiliaryTest, ExplainReturnsTheHandlersResult) {
  HttpResponse r = gateway_->Post(kExplain, R"({"numbers":[1,1,2]})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.body, "[0.25,0.25,0.5]");
}

TEST_F(AdderAuxiliaryTest, EmptyBodyUsesTheEndpointsInputExample) {
  HttpResponse r = gateway_->Post(kExplain, std::nullopt, {});
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "[0.25,0.75]");  // the example is {"numbers": [1, 3]}
}

TEST_F(AdderAuxiliaryTest, ErrorsMapLikePerform) {
  HttpResponse r = gateway_->Post(kExplain, R"({"numbers":"x"})", kJsonType);
  ASSERT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(r.Json(), (nlohmann::json{{"error", "numbers must be a list of numbers"},
                                      {"type", "ValueError"}}));
  r = gateway_->Post(kExplain, "{}", kJsonType);
  ASSERT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(r.Json().value("type", ""), "ValueError") << r.body;
}

TEST_F(AdderAuxiliaryTest, OnlyPostIsAllowed) {
  HttpResponse r = gateway_->Get(kExplain);
  EXPECT_EQ(r.status, 405) << r.Describe();
}

TEST_F(AdderAuxiliaryTest, PerformIsUnchanged) {
  HttpResponse r = gateway_->Post("/api/v1/perform", R"({"numbers":[40,2]})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "42");
}

TEST_F(AdderAuxiliaryTest, OpenApiListsExplain) {
  HttpResponse r = gateway_->Get("/openapi.json");
  ASSERT_EQ(r.status, 200) << r.Describe();
  const nlohmann::json spec = r.Json();
  ASSERT_TRUE(spec.contains("paths")) << r.body;
  ASSERT_TRUE(spec["paths"].contains("/api/v1/explain")) << r.body;
  const nlohmann::json& post = spec["paths"]["/api/v1/explain"]["post"];
  EXPECT_EQ(post.value("summary", ""), "Call auxiliary endpoint: /explain");
  EXPECT_EQ(post.value("description", ""),
            "Call auxiliary endpoint: Tells what share of the sum each number contributes");
  EXPECT_EQ(post.value("operationId", ""), "auxiliary_endpoint__explain");
  EXPECT_NE(post.dump().find(R"({"numbers":[1,3]})"), std::string::npos) << post.dump();
}

TEST_F(AdderAuxiliaryTest, LogsTheConfiguredEndpoint) {
  EXPECT_TRUE(gateway_->WaitForLog("configured auxiliary endpoint: /explain"))
      << gateway_->Output();
}

}  // namespace
}  // namespace rt_it
