#include "observability/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::observability {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, ExposesTheOriginalFamiliesInOrderWithTheirHelpTexts) {
  Metrics metrics("1.2.3");
  std::string text = metrics.Serialize({}, {});
  const char* lines[] = {
      "# HELP request_internal_errors_total Number of server errors when calling a Job",
      "# TYPE request_internal_errors_total counter",
      "# HELP request_duration Duration of model call",
      "# TYPE request_duration histogram",
      "# HELP requests_started_total Total number of started requests calling Job (may be not "
      "finished yet)",
      "# TYPE requests_started_total counter",
      "requests_started_total 0",
      "# HELP requests_done_total Total number of finished requests calling Job (processed and "
      "done)",
      "# TYPE requests_done_total counter",
      "# HELP endpoint_requests_started_total Total number of started requests calling Job (may "
      "be not finished yet)",
      "# TYPE endpoint_requests_started_total counter",
      "# HELP last_call_timestamp Timestamp (in seconds) of the last request calling Job",
      "# TYPE last_call_timestamp gauge",
      "# HELP commons_internal_server_errors_total Number of Internal Server Errors (500) caught "
      "by error handler",
      "# TYPE commons_internal_server_errors_total counter",
      "# HELP commons_request_duration Duration of API requests in seconds",
      "# TYPE commons_request_duration histogram",
      "# HELP commons_requests_started_total Total number of started API requests (may be not "
      "finished yet)",
      "# TYPE commons_requests_started_total counter",
      "# HELP commons_requests_done_total Total number of finished API requests (processed and "
      "done)",
      "# TYPE commons_requests_done_total counter",
      "racetrack_gateway_build_info{version=\"1.2.3\"} 1",
  };
  size_t last = 0;
  for (const char* line : lines) {
    size_t at = text.find(std::string(line) + "\n");
    ASSERT_NE(at, std::string::npos) << line << "\n" << text;
    EXPECT_GE(at, last) << "out of order: " << line;
    last = at;
  }
  // Labelled series appear only after their first use.
  EXPECT_EQ(text.find("endpoint="), std::string::npos);
  // The original's buckets, with the implicit +Inf.
  EXPECT_TRUE(Has(text, "commons_request_duration_bucket{le=\"0.0025\"} 0"));
  EXPECT_TRUE(Has(text, "commons_request_duration_bucket{le=\"1000\"} 0"));
  EXPECT_TRUE(Has(text, "commons_request_duration_bucket{le=\"+Inf\"} 0"));
}

TEST(MetricsTest, CallsCountAsSpecSection12Says) {
  Metrics metrics("x");
  Metrics::EndpointId perform = metrics.Endpoint("/perform");
  EXPECT_EQ(metrics.Endpoint("/perform"), perform);
  EXPECT_NE(metrics.Endpoint("/explain"), perform);

  metrics.OnCallStarted(perform);
  metrics.OnCallDone(perform, 0.003, false);
  metrics.OnCallStarted(perform);
  metrics.OnCallDone(perform, 0.2, true);
  metrics.OnCallStarted(perform);  // still running
  std::string text = metrics.Serialize({}, {});

  EXPECT_TRUE(Has(text, "requests_started_total 3"));
  EXPECT_TRUE(Has(text, "requests_done_total 2"));
  EXPECT_TRUE(Has(text, "endpoint_requests_started_total{endpoint=\"/perform\"} 3"));
  EXPECT_TRUE(Has(text, "request_internal_errors_total{endpoint=\"/perform\"} 1"));
  EXPECT_TRUE(Has(text, "request_duration_count{endpoint=\"/perform\"} 2"));
  EXPECT_TRUE(Has(text, "request_duration_bucket{endpoint=\"/perform\",le=\"0.001\"} 0"));
  EXPECT_TRUE(Has(text, "request_duration_bucket{endpoint=\"/perform\",le=\"0.005\"} 1"));
  EXPECT_TRUE(Has(text, "request_duration_bucket{endpoint=\"/perform\",le=\"0.25\"} 2"));
  EXPECT_EQ(text.find("endpoint=\"/explain\""), std::string::npos);  // never used
  EXPECT_EQ(text.find("last_call_timestamp 0\n"), std::string::npos);
}

TEST(MetricsTest, CommonsCountEveryRequestAndOnlyUnmappedErrors) {
  Metrics metrics("x");
  metrics.OnHttpRequestStarted();
  metrics.OnHttpRequestDone(0.0002);
  metrics.OnHttpRequestStarted();  // e.g. the scrape in progress
  metrics.OnInternalServerError();
  std::string text = metrics.Serialize({}, {});
  EXPECT_TRUE(Has(text, "commons_requests_started_total 2"));
  EXPECT_TRUE(Has(text, "commons_requests_done_total 1"));
  EXPECT_TRUE(Has(text, "commons_internal_server_errors_total 1"));
  EXPECT_TRUE(Has(text, "commons_request_duration_count 1"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_request_duration_seconds_bucket{le=\"0.00025\"} 1"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_request_duration_seconds_bucket{le=\"0.0001\"} 0"));
}

TEST(MetricsTest, GatewayFamiliesTakeTheSnapshot) {
  Metrics metrics("x");
  metrics.OnRejected();
  metrics.OnQueueWait(0.01);
  metrics.OnWorkerCallDone(0.0004);
  GatewaySnapshot snapshot{3, 2, 5, 4, {{2, 1, true}, {0, 3, false}}};
  std::string text = metrics.Serialize(snapshot, {});
  EXPECT_TRUE(Has(text, "# TYPE racetrack_gateway_requests_in_flight gauge"));
  // Per worker (gateway --workers N).
  EXPECT_TRUE(Has(text, "racetrack_gateway_workers_ready 1")) << text;
  EXPECT_TRUE(Has(text, R"(racetrack_gateway_worker_calls_in_flight{worker="0"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(racetrack_gateway_worker_calls_in_flight{worker="1"} 0)")) << text;
  EXPECT_TRUE(Has(text, R"(racetrack_gateway_worker_process_restarts_total{worker="1"} 3)"))
      << text;
  EXPECT_TRUE(Has(text, "racetrack_gateway_requests_in_flight 3"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_queue_depth 2"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_open_connections 5"));
  EXPECT_TRUE(Has(text, "# TYPE racetrack_gateway_worker_restarts_total counter"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_worker_restarts_total 4"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_rejected_requests_total 1"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_queue_wait_seconds_count 1"));
  EXPECT_TRUE(Has(text, "racetrack_gateway_worker_call_seconds_count 1"));
  // The restart counter follows the supervisor and never goes back.
  snapshot.worker_restarts = 6;
  EXPECT_TRUE(Has(metrics.Serialize(snapshot, {}), "racetrack_gateway_worker_restarts_total 6"));
}

TEST(MetricsTest, JobGaugesFollowTheGatewayFamilies) {
  Metrics metrics("x");
  std::vector<JobGauge> job = {
      {"job_positives", 5, "Number of positive results", {{"color", "blue"}}},
      {"job_positives", 0, "ignored: the first description wins", {{"color", "red"}}},
      {"bad name", 1, "", {}},  // not a valid metric name: skipped
      {"job_zero", 0, "", {}},
  };
  std::string text = metrics.Serialize({}, job);
  size_t help = text.find("# HELP job_positives Number of positive results\n");
  ASSERT_NE(help, std::string::npos);
  EXPECT_GT(help, text.find("racetrack_gateway_build_info"));
  EXPECT_TRUE(Has(text, "# TYPE job_positives gauge"));
  EXPECT_TRUE(Has(text, "job_positives{color=\"blue\"} 5"));
  EXPECT_TRUE(Has(text, "job_positives{color=\"red\"} 0"));
  EXPECT_EQ(text.find("# HELP job_positives", help + 1), std::string::npos);
  EXPECT_EQ(text.find("bad name"), std::string::npos);
  EXPECT_TRUE(Has(text, "# TYPE job_zero gauge"));
  EXPECT_TRUE(Has(text, "job_zero 0"));
}

}  // namespace
}  // namespace gw::observability
