// GET /metrics end to end (spec §12): the original's families, their changes around a perform
// call, any method and sub-path, and the job's own gauges fetched from the C++ metrics example.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>

#include "shared_gateway.h"

namespace rt_it {
namespace {

constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

// The value of the unlabelled or labelled sample `series` (e.g. `requests_started_total`), or
// -1 when it is absent.
double Sample(const std::string& text, const std::string& series) {
  std::string needle = "\n" + series + " ";
  size_t at = text.find(needle);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + needle.size()));
}

class MetricsGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gateway_ = LaunchReady(GatewayProcess::ForJob("metrics_job")); }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static HttpResponse Scrape(std::string_view method = "GET",
                             std::string_view target = "/metrics") {
    return Fetch(gateway_->port(), method, target);
  }

  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> MetricsGatewayTest::gateway_;

TEST_F(MetricsGatewayTest, ExposesTheOriginalFamilies) {
  HttpResponse r = Scrape();
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), kContentType);
  for (const char* line : {
           "# HELP requests_started_total Total number of started requests calling Job (may be "
           "not finished yet)",
           "# TYPE requests_started_total counter",
           "# HELP request_duration Duration of model call",
           "# TYPE request_duration histogram",
           "# TYPE request_internal_errors_total counter",
           "# TYPE endpoint_requests_started_total counter",
           "# TYPE last_call_timestamp gauge",
           "# TYPE commons_request_duration histogram",
           "# TYPE commons_internal_server_errors_total counter",
           "# TYPE racetrack_gateway_open_connections gauge",
       }) {
    EXPECT_NE(r.body.find(std::string(line) + "\n"), std::string::npos) << line;
  }
}

TEST_F(MetricsGatewayTest, PerformCallsAndRequestsAreCounted) {
  std::string before = Scrape().body;
  ASSERT_EQ(gateway_->Post("/api/v1/perform", R"({"number":2})", kJsonType).status, 200);
  HttpResponse failed = gateway_->Post("/api/v1/perform", R"({"wrong":2})", kJsonType);
  ASSERT_EQ(failed.status, 400) << failed.Describe();
  // A body error never reaches the call (spec §12.1): not counted as a call.
  ASSERT_EQ(gateway_->Post("/api/v1/perform", "[1]", kJsonType).status, 422);
  std::string after = Scrape().body;

  EXPECT_EQ(Sample(after, "requests_started_total"), Sample(before, "requests_started_total") + 2);
  EXPECT_EQ(Sample(after, "requests_done_total"), Sample(before, "requests_done_total") + 2);
  EXPECT_GE(Sample(after, "endpoint_requests_started_total{endpoint=\"/perform\"}"), 2);
  EXPECT_GE(Sample(after, "request_internal_errors_total{endpoint=\"/perform\"}"), 1);
  EXPECT_GE(Sample(after, "request_duration_count{endpoint=\"/perform\"}"), 2);
  EXPECT_GT(Sample(after, "last_call_timestamp"), 1.6e9);
  // Four requests answered between the scrapes, plus the first scrape itself; the second scrape
  // counts as started but not done.
  EXPECT_EQ(Sample(after, "commons_requests_done_total"),
            Sample(before, "commons_requests_done_total") + 4);
  EXPECT_EQ(Sample(after, "commons_requests_started_total"),
            Sample(before, "commons_requests_started_total") + 4);
  EXPECT_EQ(Sample(after, "commons_requests_started_total"),
            Sample(after, "commons_requests_done_total") + 1);
}

TEST_F(MetricsGatewayTest, AnyMethodAndSubPath) {
  for (auto [method, target] :
       {std::pair{"POST", "/metrics"}, std::pair{"GET", "/metrics/foo"},
        std::pair{"GET", "/metrics/"}, std::pair{"PUT", "/pub/job/metrics-job/0.0.1/metrics"}}) {
    HttpResponse r = Scrape(method, target);
    EXPECT_EQ(r.status, 200) << method << " " << target << r.Describe();
    EXPECT_NE(r.body.find("# TYPE requests_started_total counter"), std::string::npos) << target;
  }
  HttpResponse favicon = Scrape("GET", "/metrics/favicon.ico");
  EXPECT_EQ(favicon.status, 200);
  EXPECT_EQ(favicon.body, "");
  EXPECT_EQ(Scrape("GET", "/metricsfoo").status, 404);
}

TEST_F(MetricsGatewayTest, AppendsTheJobGauges) {
  ASSERT_EQ(gateway_->Post("/api/v1/perform", R"({"number":-1})", kJsonType).status, 200);
  std::string text = Scrape().body;
  size_t help = text.find("# HELP job_inputs Number of inputs seen, by sign\n");
  ASSERT_NE(help, std::string::npos) << text;
  EXPECT_GT(help, text.find("# TYPE racetrack_gateway_build_info gauge"));
  EXPECT_NE(text.find("# TYPE job_inputs gauge\n"), std::string::npos);
  EXPECT_GE(Sample(text, "job_inputs{sign=\"negative\"}"), 1);
  EXPECT_EQ(Sample(text, "job_up"), 1);
}

}  // namespace
}  // namespace rt_it

namespace rt_it {
namespace {

TEST(MetricsDisabledTest, NoMetricsFlagTurnsTheEndpointOff) {
  GatewayProcess gateway(GatewayProcess::ForJob("prime_job", {}, {"--no-metrics"}));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  EXPECT_EQ(Fetch(gateway.port(), "POST", "/api/v1/perform", R"({"number":7907})").body, "true");
  HttpResponse r = Fetch(gateway.port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 404) << r.Describe();
}

}  // namespace
}  // namespace rt_it
