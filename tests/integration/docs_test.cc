// /openapi.json, the Swagger UI page at /docs and its embedded assets, end to end through the
// real gateway binary supervising the C++ prime checker (spec §5.1, §6.3).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "shared_gateway.h"

namespace rt_it {
namespace {

class DocsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = LaunchReady(
        GatewayProcess::ForJob("prime_job", {{"JOB_NAME", "primer"}, {"JOB_VERSION", "0.0.1"}}));
  }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> DocsTest::gateway_;

TEST_F(DocsTest, OpenApiHasPerformWithItsExample) {
  HttpResponse r = gateway_->Get("/openapi.json");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), "application/json");
  nlohmann::json doc = r.Json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["title"], "Job - primer");
  EXPECT_EQ(doc["info"]["version"], "0.0.1");
  EXPECT_EQ(doc["servers"][0]["url"], "/pub/job/primer/0.0.1");
  const nlohmann::json& perform = doc["paths"]["/api/v1/perform"]["post"];
  EXPECT_EQ(perform["description"], "Call main action: Check if a number is prime");
  EXPECT_EQ(perform["requestBody"]["content"]["application/json"]["schema"]["default"],
            nlohmann::json::parse(R"({"number":7907})"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/parameters"));
  EXPECT_EQ(doc["security"], nlohmann::json::parse(R"([{"racetrackAuth":[]}])"));
}

TEST_F(DocsTest, DocsPagePointsAtTheDocument) {
  HttpResponse r = gateway_->Get("/docs");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<title>Job - primer - Swagger UI</title>"), std::string::npos);
  EXPECT_NE(r.body.find("url: '/openapi.json'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("src=\"/docs/swagger-ui-bundle.js"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("cdn"), std::string::npos) << r.body;
}

TEST_F(DocsTest, PrefixedDocsPageUsesThePrefix) {
  HttpResponse r = gateway_->Get("/pub/job/x/y/docs");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_NE(r.body.find("url: '/pub/job/x/y/openapi.json'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("src=\"/pub/job/x/y/docs/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_NE(r.body.find("'/pub/job/x/y/docs/oauth2-redirect'"), std::string::npos);
  HttpResponse doc = gateway_->Get("/pub/job/x/y/openapi.json");
  ASSERT_EQ(doc.status, 200) << doc.Describe();
  EXPECT_TRUE(doc.Json()["paths"].contains("/api/v1/perform"));
}

TEST_F(DocsTest, AssetsAreServedWithTypesAndCaching) {
  HttpResponse js = gateway_->Get("/pub/job/x/y/docs/swagger-ui-bundle.js");
  ASSERT_EQ(js.status, 200) << js.Describe();
  EXPECT_EQ(js.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.Header("cache-control").find("max-age="), std::string::npos);
  EXPECT_NE(js.body.find("SwaggerUIBundle"), std::string::npos);
  HttpResponse css = gateway_->Get("/docs/swagger-ui.css?v=1");
  ASSERT_EQ(css.status, 200) << css.Describe();
  EXPECT_EQ(css.Header("content-type"), "text/css; charset=utf-8");
  HttpResponse icon = gateway_->Get("/docs/favicon-32x32.png");
  ASSERT_EQ(icon.status, 200) << icon.Describe();
  EXPECT_EQ(icon.Header("content-type"), "image/png");
  HttpResponse redirect = gateway_->Get("/docs/oauth2-redirect");
  ASSERT_EQ(redirect.status, 200) << redirect.Describe();
  EXPECT_EQ(redirect.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(gateway_->Get("/docs/index.html").status, 404);
}

// While the job loads, the document lists only the probes, without security (spec §5.1).
TEST(DocsLoadingTest, LoadingDocumentListsOnlyProbes) {
  GatewayProcess gateway(GatewayProcess::ForJob("slow_init_job", {{"SLOW_INIT_MS", "4000"}}));
  std::string error;
  ASSERT_TRUE(gateway.Start(&error)) << error;
  ASSERT_TRUE(gateway.WaitForStatus("/live", 200));
  HttpResponse r = gateway.Get("/openapi.json");
  ASSERT_EQ(r.status, 200) << r.Describe();
  nlohmann::json doc = r.Json();
  EXPECT_EQ(doc["paths"].size(), 3u) << r.body;
  EXPECT_TRUE(doc["paths"].contains("/health"));
  EXPECT_FALSE(doc.contains("security"));
  EXPECT_EQ(gateway.Get("/docs").status, 200);
}

}  // namespace
}  // namespace rt_it
