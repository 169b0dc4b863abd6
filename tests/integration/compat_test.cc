// The original's API surface around the calls, end to end through the real gateway binary and
// the C++ test jobs: the manifest (spec §4, §5.2, §6.2), the concurrency cap (§8), CORS (§5.6),
// trailing-slash redirects (§5.4) and structured logs (§15.3).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gateway_process.h"

namespace rt_it {
namespace {

constexpr std::string_view kPerform = "/api/v1/perform";
const std::vector<std::string> kCleanEnv = {"JOB_NAME",          "JOB_VERSION",
                                            "JOB_MANIFEST_YAML", "LOG_STRUCTURED",
                                            "LOG_CALLER_NAME",   "REQUEST_TRACING_HEADER"};

std::string WriteManifest(const TempDir& dir, const std::string& text) {
  std::string path = dir.path() + "/job.yaml";
  std::ofstream(path) << text;
  return path;
}

std::unique_ptr<GatewayProcess> Launch(GatewayOptions options, bool wait_ready = true) {
  options.unset_env.insert(options.unset_env.end(), kCleanEnv.begin(), kCleanEnv.end());
  auto gateway = std::make_unique<GatewayProcess>(std::move(options));
  std::string error;
  bool ok = wait_ready ? gateway->StartAndWaitReady(10s, &error) : gateway->Start(&error);
  if (!ok) {
    ADD_FAILURE() << "gateway failed to start: " << error << "\n" << gateway->Output();
    return nullptr;
  }
  return gateway;
}

// Sends a perform call on its own connection without waiting for the answer.
std::unique_ptr<HttpClient> SendPerform(int port, std::string_view body, std::string_view trace) {
  auto client = std::make_unique<HttpClient>(port, 10s);
  EXPECT_TRUE(client->Connect());
  EXPECT_TRUE(client->SendRaw(HttpClient::Format(
      "POST", kPerform, body,
      {{"Content-Type", "application/json"}, {"X-Request-Tracing-Id", std::string(trace)}})));
  return client;
}

// Waits until the gateway has logged the arrival of `n` perform calls, so that the order in
// which the cap sees them is the order of the test.
bool WaitArrivals(const GatewayProcess& gateway, size_t n) {
  return WaitFor([&] { return gateway.CountLog("Request: POST /api/v1/perform") >= n; }, 5s);
}

TEST(CompatConcurrencyCapTest, OneRunningOneWaitingTheRestRefused) {
  TempDir dir;
  std::string manifest = WriteManifest(
      dir, "name: sleepy\njobtype_extra:\n  max_concurrency: 1\n  max_concurrency_queue: 1\n");
  auto gateway = Launch(GatewayProcess::ForJob("sleepy_job", {}, {"--manifest-path", manifest}));
  ASSERT_NE(gateway, nullptr);
  EXPECT_TRUE(gateway->WaitForLog("concurrency cap: 1 calls at once, queue of 1 waiting"));

  auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(SendPerform(gateway->port(), R"({"ms":1000})", "t" + std::to_string(i)));
    ASSERT_TRUE(WaitArrivals(*gateway, i + 1));
  }
  const std::string kBody =
      R"({"detail":"too many requests waiting in a queue. Job is set to process 1 requests )"
      R"(concurrently with a queue of max size 1"})";
  for (int i : {2, 3}) {
    HttpResponse r = clients[i]->ReadResponse();
    EXPECT_EQ(r.status, 429) << r.Describe();
    EXPECT_EQ(r.body, kBody);
    EXPECT_EQ(r.Header("retry-after"), "1");
    EXPECT_EQ(r.Header("content-type"), "application/json");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 900ms) << "429 must not wait";
  for (int i : {0, 1}) {
    HttpResponse r = clients[i]->ReadResponse();
    EXPECT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.body, R"({"slept":1000})");
  }
  // The second call waited for the first: about two seconds in all.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1900ms);
  EXPECT_EQ(gateway->CountLog("POST /api/v1/perform 429"), 2u);
}

TEST(CompatConcurrencyCapTest, WaitersRunInArrivalOrder) {
  TempDir dir;
  std::string manifest = WriteManifest(dir, "jobtype_extra:\n  max_concurrency: '1'\n");
  auto gateway = Launch(GatewayProcess::ForJob("sleepy_job", {}, {"--manifest-path", manifest}));
  ASSERT_NE(gateway, nullptr);
  std::vector<std::unique_ptr<HttpClient>> clients;
  clients.push_back(SendPerform(gateway->port(), R"({"ms":300})", "first"));
  ASSERT_TRUE(WaitArrivals(*gateway, 1));
  for (int i = 0; i < 4; ++i) {
    clients.push_back(SendPerform(gateway->port(), R"({"ms":20})", "w" + std::to_string(i)));
    ASSERT_TRUE(WaitArrivals(*gateway, i + 2));
  }
  for (auto& client : clients) EXPECT_EQ(client->ReadResponse().status, 200);
  ASSERT_TRUE(gateway->WaitForLog("POST /api/v1/perform 200, tracing_id=w3"));
  std::vector<std::string> order;
  for (const std::string& line : gateway->StdoutLines()) {
    auto at = line.find("POST /api/v1/perform 200, tracing_id=");
    if (at != std::string::npos) order.push_back(line.substr(line.find('=', at) + 1));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"first", "w0", "w1", "w2", "w3"}));
}

TEST(CompatManifestTest, FromEnvWithEscapedNewlinesNamesTheJob) {
  auto gateway = Launch(GatewayProcess::ForJob(
      "prime_job",
      {{"JOB_MANIFEST_YAML",
        R"(name: primer\nversion: 0.0.1\njobtype_extra:\n  home_page: /api/v1/webview)"}}));
  ASSERT_NE(gateway, nullptr);
  HttpResponse root = gateway->Get("/");
  EXPECT_EQ(root.status, 307) << root.Describe();
  EXPECT_EQ(root.Header("location"), "/pub/job/primer/0.0.1/api/v1/webview");
  EXPECT_EQ(gateway->Get("/pub/job/other/9.9.9/").Header("location"),
            "/pub/job/primer/0.0.1/api/v1/webview");
  HttpResponse health = gateway->Get("/health");
  EXPECT_EQ(health.Json()["job_name"], "primer") << health.Describe();
  EXPECT_TRUE(health.Json()["job_version"].is_null()) << health.Describe();
}

TEST(CompatManifestTest, NoManifestWarnsAndUsesPlaceholders) {
  auto gateway = Launch(GatewayProcess::ForJob("prime_job"));
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(gateway->Get("/").Header("location"), "/pub/job/JOB_NAME/JOB_VERSION/docs");
  EXPECT_EQ(gateway->CountLog("WARN  manifest yaml not found in JOB_MANIFEST_YAML env var"), 1u);
  EXPECT_TRUE(gateway->WaitForLog("concurrency cap: none"));
}

TEST(CompatManifestTest, EnvNameWinsOverTheManifest) {
  TempDir dir;
  std::string manifest = WriteManifest(dir, "name: fromfile\nversion: 1.2.3\n");
  auto gateway = Launch(GatewayProcess::ForJob("prime_job", {{"JOB_NAME", "fromenv"}},
                                               {"--manifest-path", manifest}));
  ASSERT_NE(gateway, nullptr);
  EXPECT_EQ(gateway->Get("/").Header("location"), "/pub/job/fromenv/1.2.3/docs");
  EXPECT_EQ(gateway->Get("/health").Json()["job_name"], "fromenv");
}

TEST(CompatManifestTest, InvalidLimitIsAnInitFailure) {
  TempDir dir;
  std::string manifest = WriteManifest(dir, "jobtype_extra:\n  max_concurrency: -1\n");
  auto gateway = Launch(GatewayProcess::ForJob("prime_job", {}, {"--manifest-path", manifest}),
                        /*wait_ready=*/false);
  ASSERT_NE(gateway, nullptr);
  ASSERT_TRUE(gateway->WaitForStatus("/live", 500));
  HttpResponse live = gateway->Get("/live");
  EXPECT_EQ(live.Json()["error"], "Expected integer in max_concurrency, but got: -1")
      << live.Describe();
  EXPECT_EQ(gateway->Get("/ready").status, 500);
  EXPECT_TRUE(gateway->WaitForLog("Initialization error: Expected integer in max_concurrency"));
}

TEST(CompatManifestTest, UnreadableManifestIsAnInitFailure) {
  auto gateway =
      Launch(GatewayProcess::ForJob("prime_job", {}, {"--manifest-path", "/nonexistent/job.yaml"}),
             /*wait_ready=*/false);
  ASSERT_NE(gateway, nullptr);
  ASSERT_TRUE(gateway->WaitForStatus("/live", 500));
  EXPECT_EQ(gateway->Get("/live").Json()["error"],
            "reading job manifest: [Errno 2] No such file or directory: '/nonexistent/job.yaml'");
}

class CompatHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gateway_ = Launch(GatewayProcess::ForJob("prime_job")); }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }
  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> CompatHttpTest::gateway_;

TEST_F(CompatHttpTest, CorsPreflightOnAnyPath) {
  for (std::string_view path : {"/api/v1/perform", "/nowhere", "/pub/job/a/b/live"}) {
    HttpResponse r = Fetch(gateway_->port(), "OPTIONS", path, std::nullopt,
                           {{"Origin", "http://example.com"},
                            {"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type"}});
    EXPECT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.body, "OK");
    EXPECT_EQ(r.Header("content-type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.Header("vary"), "Origin");
    EXPECT_EQ(r.Header("access-control-allow-methods"),
              "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    EXPECT_EQ(r.Header("access-control-max-age"), "600");
    EXPECT_EQ(r.Header("access-control-allow-credentials"), "true");
    EXPECT_EQ(r.Header("access-control-allow-origin"), "http://example.com");
    EXPECT_EQ(r.Header("access-control-allow-headers"), "content-type");
  }
}

TEST_F(CompatHttpTest, CorsSimpleRequestsAndPlainOptions) {
  HttpResponse r = gateway_->Post(kPerform, R"({"number":7})",
                                  {{"Content-Type", "application/json"}, {"Origin", "http://x"}});
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("access-control-allow-origin"), "*");
  EXPECT_EQ(r.Header("access-control-allow-credentials"), "true");
  HttpResponse no_origin = gateway_->Get("/live");
  EXPECT_FALSE(no_origin.HasHeader("access-control-allow-origin"));
  // OPTIONS without the preflight headers is routed as usual.
  EXPECT_EQ(Fetch(gateway_->port(), "OPTIONS", kPerform).status, 405);
}

TEST_F(CompatHttpTest, TrailingSlashRedirects) {
  // The location is built from the Host header, as sent: the harness sends "127.0.0.1".
  std::string host = "127.0.0.1";
  HttpResponse live = gateway_->Get("/live/");
  EXPECT_EQ(live.status, 307) << live.Describe();
  EXPECT_EQ(live.Header("location"), "http://" + host + "/live");
  EXPECT_EQ(gateway_->Get("/pub/job/primer/0.0.1/live/?x=1").Header("location"),
            "http://" + host + "/pub/job/primer/0.0.1/live?x=1");
  HttpResponse post = gateway_->Post("/api/v1/perform/", "{}");
  EXPECT_EQ(post.status, 307) << post.Describe();
  EXPECT_EQ(post.Header("location"), "http://" + host + "/api/v1/perform");
  EXPECT_EQ(gateway_->Get("/nothing/").status, 404);
  HttpResponse with_port =
      Fetch(gateway_->port(), "GET", "/ready/", std::nullopt, {{"Host", "job.example:7000"}});
  EXPECT_EQ(with_port.Header("location"), "http://job.example:7000/ready");
}

TEST(CompatLogTest, StructuredLinesAreJson) {
  auto gateway = Launch(GatewayProcess::ForJob(
      "prime_job", {{"LOG_STRUCTURED", "true"}, {"LOG_CALLER_NAME", "yes"}}));
  ASSERT_NE(gateway, nullptr);
  HttpResponse r = gateway->Post(kPerform, R"({"number":7})",
                                 {{"Content-Type", "application/json"},
                                  {"X-Request-Tracing-Id", "trace-123"},
                                  {"X-Caller-Name", "alice"}});
  ASSERT_EQ(r.status, 200) << r.Describe();
  ASSERT_TRUE(gateway->WaitForLog(R"("msg": "POST /api/v1/perform 200")"));
  size_t json_lines = 0;
  bool access_line = false;
  for (const std::string& line : gateway->StdoutLines()) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ++json_lines;
    EXPECT_TRUE(j.contains("time") && j.contains("lvl") && j.contains("msg")) << line;
    EXPECT_TRUE(line.starts_with(R"({"time": ")")) << line;
    if (j["msg"] == "POST /api/v1/perform 200") {
      access_line = true;
      EXPECT_EQ(j["lvl"], "INFO");
      EXPECT_EQ(j["tracing_id"], "trace-123");
      EXPECT_EQ(j["caller_name"], "alice");
      EXPECT_EQ(line.find(R"(", "lvl": "INFO", "msg": "POST /api/v1/perform 200", )"
                          R"("tracing_id": "trace-123", "caller_name": "alice"})"),
                line.find(R"(", "lvl")"))
          << line;
    }
  }
  EXPECT_GT(json_lines, 3u);
  EXPECT_TRUE(access_line);
  for (const std::string& line : gateway->StdoutLines()) {
    EXPECT_FALSE(line.starts_with("[")) << "a plain line: " << line;
  }
}

}  // namespace
}  // namespace rt_it
