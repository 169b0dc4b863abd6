// POST /api/v1/perform and the HTTP surface around it, end to end: the real gateway binary
// supervising the real C++ example jobs (spec §5.3-§5.5, §6.1, §7.1, §7.4, §15.2, §15.4).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include "shared_gateway.h"

namespace rt_it {
namespace {

constexpr std::string_view kPerform = "/api/v1/perform";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

class PrimeGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GatewayOptions options =
        GatewayProcess::ForJob("prime_job", {{"JOB_NAME", "primer"},
                                             {"JOB_VERSION", "0.0.1"},
                                             {"JOB_DEPLOYMENT_TIMESTAMP", "1700000000"},
                                             {"GIT_VERSION", "abc123"}});
    options.unset_env = {"DEPLOYED_BY_RACETRACK_VERSION", "JOB_TYPE_VERSION",
                         "REQUEST_TRACING_HEADER", "LOG_STRUCTURED"};
    gateway_ = LaunchReady(std::move(options));
  }
  static void TearDownTestSuite() { gateway_.reset(); }

  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static HttpResponse Perform(std::optional<std::string_view> body,
                              const EnvVars& headers = kJsonType) {
    return gateway_->Post(kPerform, body, headers);
  }

  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> PrimeGatewayTest::gateway_;

TEST_F(PrimeGatewayTest, PrimeNumberIsTrue) {
  HttpResponse r = Perform(R"({"number":7907})");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");
  EXPECT_EQ(r.Header("content-type"), "application/json");
}

TEST_F(PrimeGatewayTest, CompositeNumberIsFalse) {
  HttpResponse r = Perform(R"({"number":7908})");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "false");
}

TEST_F(PrimeGatewayTest, ParametersDescribePerform) {
  HttpResponse r = gateway_->Get("/pub/job/primer/1/api/v1/parameters");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"([{"name":"number","type":"int"}])");
}

TEST_F(PrimeGatewayTest, EmptyBodyUsesTheInputExample) {
  HttpResponse r = Perform(std::nullopt, {});  // Content-Length: 0, no Content-Type
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");  // the example is {"number": 7907}
}

TEST_F(PrimeGatewayTest, NullBodyUsesTheInputExample) {
  HttpResponse r = Perform("null");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");
}

TEST_F(PrimeGatewayTest, JsonObjectWithFormContentTypeIs422AsTheOriginal) {
  // text/plain, form-urlencoded and multipart are sent cross-site by browsers without a
  // preflight: a JSON object under them must not start a job (the original answers 422 too).
  for (const char* type :
       {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"}) {
    SCOPED_TRACE(type);
    HttpResponse r = Perform(R"({"number":7908})", {{"Content-Type", type}});
    ASSERT_EQ(r.status, 422) << r.Describe();
    EXPECT_EQ(r.Json()["detail"][0]["type"], "dict_type") << r.body;
    EXPECT_EQ(r.Json()["detail"][0]["input"], R"({"number":7908})") << r.body;
  }
  HttpResponse r =
      Perform(R"({"number":7908})", {{"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "false");
}

TEST_F(PrimeGatewayTest, MalformedJsonIs422JsonInvalid) {
  HttpResponse r = Perform(R"({"number": 7907)");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), "application/json");
  nlohmann::json body = r.Json();
  ASSERT_TRUE(body.contains("detail")) << r.body;
  const nlohmann::json& d = body["detail"][0];
  EXPECT_EQ(d["type"], "json_invalid") << r.body;
  EXPECT_EQ(d["loc"], nlohmann::json::parse(R"(["body",15])")) << r.body;
  EXPECT_EQ(d["msg"], "JSON decode error") << r.body;
  EXPECT_EQ(d["input"], nlohmann::json::object()) << r.body;
  EXPECT_EQ(d["ctx"]["error"], "Expecting ',' delimiter") << r.body;
}

TEST_F(PrimeGatewayTest, ArrayBodyIs422DictType) {
  HttpResponse r = Perform("[1]");
  ASSERT_EQ(r.status, 422) << r.Describe();
  nlohmann::json body = r.Json();
  ASSERT_TRUE(body.contains("detail")) << r.body;
  const nlohmann::json& d = body["detail"][0];
  EXPECT_EQ(d["type"], "dict_type") << r.body;
  EXPECT_EQ(d["loc"], nlohmann::json::parse(R"(["body"])")) << r.body;
  EXPECT_EQ(d["msg"], "Input should be a valid dictionary") << r.body;
  EXPECT_EQ(d["input"], nlohmann::json::parse("[1]")) << r.body;
}

TEST_F(PrimeGatewayTest, PrefixedPathsReachPerform) {
  for (std::string_view target : {"/pub/job/x/y/api/v1/perform", "/pub/fatman/x/y/api/v1/perform",
                                  "/pub/job/othername/9.9.9/api/v1/perform"}) {
    HttpResponse r = gateway_->Post(target, R"({"number":7907})", kJsonType);
    ASSERT_EQ(r.status, 200) << target << "\n" << r.Describe();
    EXPECT_EQ(r.body, "true") << target;
  }
}

TEST_F(PrimeGatewayTest, BarePrefixRedirectsToSlash) {
  HttpResponse r = gateway_->Get("/pub/job/x/y");
  ASSERT_EQ(r.status, 307) << r.Describe();
  EXPECT_EQ(r.Header("location"), "/pub/job/x/y/");
  EXPECT_EQ(r.Header("content-length"), "0");
  EXPECT_EQ(r.body, "");
}

TEST_F(PrimeGatewayTest, UnknownPathIs404) {
  HttpResponse r = gateway_->Get("/no/such/path");
  ASSERT_EQ(r.status, 404) << r.Describe();
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  // POST on the bare prefix falls through to the root mount (spec §5.3).
  r = gateway_->Post("/pub/job/x/y", "{}");
  EXPECT_EQ(r.status, 404) << r.Describe();
}

TEST_F(PrimeGatewayTest, WrongMethodIs405WithAllow) {
  HttpResponse r = gateway_->Get(kPerform);
  ASSERT_EQ(r.status, 405) << r.Describe();
  EXPECT_EQ(r.body, R"({"detail":"Method Not Allowed"})");
  EXPECT_EQ(r.Header("allow"), "POST");
}

TEST_F(PrimeGatewayTest, HeadLiveHasNoBody) {
  HttpClient client(gateway_->port());
  HttpResponse r = client.Request("HEAD", "/live");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "");
  // No body bytes may follow a HEAD answer: the next response on the connection is intact.
  ASSERT_TRUE(client.connected());
  r = client.Request("GET", "/live");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"live":true,"deployment_timestamp":"1700000000"})");
}

TEST_F(PrimeGatewayTest, HundredRequestsOnOneKeepAliveConnection) {
  HttpClient client(gateway_->port());
  ASSERT_TRUE(client.Connect());
  for (int i = 0; i < 100; ++i) {
    const bool prime = i % 2 == 0;
    std::string body = prime ? R"({"number":7907})" : R"({"number":7908})";
    ASSERT_TRUE(client.SendRaw(HttpClient::Format("POST", kPerform, body, kJsonType)))
        << "request " << i << ": the connection was closed";
    HttpResponse r = client.ReadResponse();
    ASSERT_EQ(r.status, 200) << "request " << i << "\n" << r.Describe();
    ASSERT_EQ(r.body, prime ? "true" : "false") << "request " << i;
    ASSERT_NE(r.Header("connection"), "close") << "request " << i;
  }
}

TEST_F(PrimeGatewayTest, PipelinedRequestsAreAnsweredInOrder) {
  HttpClient client(gateway_->port());
  ASSERT_TRUE(client.Connect());
  std::string batch = HttpClient::Format("POST", kPerform, R"({"number":7907})", kJsonType) +
                      HttpClient::Format("POST", kPerform, R"({"number":7908})", kJsonType) +
                      HttpClient::Format("GET", "/ready", std::nullopt, {}) +
                      HttpClient::Format("POST", kPerform, R"({"number":4})", kJsonType) +
                      HttpClient::Format("GET", "/nope", std::nullopt, {}) +
                      HttpClient::Format("POST", kPerform, R"({"number":2})", kJsonType);
  ASSERT_TRUE(client.SendRaw(batch));
  const std::vector<std::pair<int, std::string>> expected = {{200, "true"},
                                                             {200, "false"},
                                                             {200, R"({"ready":true})"},
                                                             {200, "false"},
                                                             {404, R"({"detail":"Not Found"})"},
                                                             {200, "true"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    HttpResponse r = client.ReadResponse();
    EXPECT_EQ(r.status, expected[i].first) << "response " << i << "\n" << r.Describe();
    EXPECT_EQ(r.body, expected[i].second) << "response " << i;
  }
}

TEST_F(PrimeGatewayTest, ProbesWhenReady) {
  HttpResponse r = gateway_->Get("/health");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), "application/json");
  // Key order and value types are part of the contract (spec §6.1).
  EXPECT_EQ(r.body,
            R"({"service":"job","job_name":"primer","live":true,"ready":true,"status":"pass",)"
            R"("error":null,"job_version":"0.0.1","git_version":"abc123",)"
            R"("deployed_by_racetrack_version":null,"deployment_timestamp":"1700000000",)"
            R"("job_type_version":null})");
  r = gateway_->Get("/live");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"live":true,"deployment_timestamp":"1700000000"})");
  r = gateway_->Get("/ready");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"ready":true})");
  r = gateway_->Get("/pub/job/primer/0.0.1/ready");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"ready":true})");
}

// Thread name -> how many threads of `pid` have it (/proc/PID/task/*/comm).
std::map<std::string, int> ThreadNames(pid_t pid) {
  std::map<std::string, int> names;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) ++names[name];
  }
  return names;
}

// Every gRPC operation of the gateway completes on its one completion thread: none of gRPC's
// callback threads ("nexting_thread"), which hand the poller role to each other on every event.
TEST_F(PrimeGatewayTest, GrpcCompletesOnOneThread) {
  // Health and Describe (readiness) and the Calls stream have run; add a Metrics RPC.
  ASSERT_EQ(Perform(R"({"number":7907})").status, 200);
  ASSERT_EQ(gateway_->Get("/metrics").status, 200);
  std::map<std::string, int> names = ThreadNames(gateway_->pid());
  EXPECT_EQ(names["gw-completions"], 1);
  EXPECT_EQ(names.count("nexting_thread"), 0u);
}

TEST_F(PrimeGatewayTest, AccessLogLines) {
  // A marker path makes these lines ours, whatever the other tests logged.
  ASSERT_EQ(gateway_->Get("/live").status, 200);
  ASSERT_EQ(gateway_->Post("/pub/job/log/marker/api/v1/perform", R"({"number":7907})").status, 200);
  ASSERT_EQ(Perform(R"({"number":7907})").status, 200);
  ASSERT_TRUE(gateway_->WaitForLog("POST /pub/job/log/marker/api/v1/perform 200"))
      << gateway_->Stdout();
  ASSERT_TRUE(gateway_->WaitForLog("INFO  POST /api/v1/perform 200")) << gateway_->Stdout();

  const std::regex request_line(
      R"(^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] DEBUG Request: POST /api/v1/perform$)");
  const std::regex done_line(
      R"(^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] INFO  POST /api/v1/perform 200$)");
  const std::regex prefixed_line(
      R"(^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] INFO  POST /pub/job/log/marker/api/v1/perform 200$)");
  bool saw_request = false;
  bool saw_done = false;
  bool saw_prefixed = false;
  for (const std::string& line : gateway_->StdoutLines()) {
    saw_request |= std::regex_match(line, request_line);
    saw_done |= std::regex_match(line, done_line);
    saw_prefixed |= std::regex_match(line, prefixed_line);
    // Successful unprefixed probes are not logged (spec §15.4); a failing one is ("GET /ready
    // 500" while the worker loaded), and so is a prefixed one.
    for (std::string_view quiet :
         {"Request: GET /live", "Request: GET /ready", "Request: GET /health",
          "INFO  GET /live 200", "INFO  GET /ready 200", "INFO  GET /health 200"}) {
      EXPECT_FALSE(line.ends_with(quiet)) << line;
    }
  }
  EXPECT_TRUE(saw_request) << gateway_->Stdout();
  EXPECT_TRUE(saw_done) << gateway_->Stdout();
  EXPECT_TRUE(saw_prefixed) << gateway_->Stdout();
}

TEST(AdderGatewayTest, AddsNumbers) {
  GatewayProcess gateway(GatewayProcess::ForJob("adder_job"));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  HttpResponse r = gateway.Post(kPerform, R"({"numbers":[40,2]})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "42");
  r = gateway.Post(kPerform, R"({"numbers":[0.5,0.25]})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "0.75");
}

class SleepyGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gateway_ = LaunchReady(GatewayProcess::ForJob("sleepy_job")); }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static void ExpectJobError(std::string_view kind, int status, std::string_view message,
                             std::string_view type) {
    HttpResponse r =
        gateway_->Post(kPerform, R"({"raise":")" + std::string(kind) + R"("})", kJsonType);
    ASSERT_EQ(r.status, status) << kind << "\n" << r.Describe();
    EXPECT_EQ(r.Header("content-type"), "application/json") << kind;
    nlohmann::json expected = {{"error", message}, {"type", type}};
    EXPECT_EQ(r.Json(), expected) << kind << ": " << r.body;
    // Exact key order, as the original's JSONResponse({"error":..,"type":..}).
    EXPECT_EQ(r.body.find(R"({"error":)"), 0u) << r.body;
  }

  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> SleepyGatewayTest::gateway_;

TEST_F(SleepyGatewayTest, ValueErrorIs400) {
  ExpectJobError("value", 400, "bad value", "ValueError");
}

TEST_F(SleepyGatewayTest, EntityNotFoundIs404) {
  ExpectJobError("notfound", 404, "no such thing", "EntityNotFound");
}

TEST_F(SleepyGatewayTest, AlreadyExistsIs409) {
  ExpectJobError("exists", 409, "already there", "AlreadyExists");
}

TEST_F(SleepyGatewayTest, OtherExceptionIs500) {
  ExpectJobError("runtime", 500, "something broke", "runtime_error");
}

TEST_F(SleepyGatewayTest, JobErrorStatusIsInTheAccessLog) {
  ExpectJobError("value", 400, "bad value", "ValueError");
  EXPECT_TRUE(gateway_->WaitForLog("INFO  POST /api/v1/perform 400")) << gateway_->Stdout();
}

TEST_F(SleepyGatewayTest, SleepReturnsItsResult) {
  HttpResponse r = gateway_->Post(kPerform, R"({"ms":20})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"slept":20})");
}

}  // namespace
}  // namespace rt_it
