// Unit tests of AccessLog::IsQuiet: exactly the eight "GET <probe>" lines the original
// suppresses (spec §15.4) are quiet; prefixed paths, queries and other methods are logged.
#include "api/access_log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "observability/log.h"

namespace gw::api {
namespace {

http::Request MakeRequest(http::Method method, std::string_view target) {
  http::Request request;
  request.method = method;
  request.method_name = http::MethodName(method);
  request.target = target;
  return request;
}

TEST(ApiAccessLogTest, ProbeAndMetricsGetsAreQuiet) {
  for (std::string_view target :
       {"/live", "/live/", "/ready", "/ready/", "/health", "/health/", "/metrics", "/metrics/"}) {
    EXPECT_TRUE(AccessLog::IsQuiet(MakeRequest(http::Method::kGet, target))) << target;
  }
}

TEST(ApiAccessLogTest, PrefixedProbesAreLogged) {
  for (std::string_view target : {"/pub/job/n/v/live", "/pub/job/n/v/ready",
                                  "/pub/fatman/n/v/health", "/pub/job/n/v/metrics"}) {
    EXPECT_FALSE(AccessLog::IsQuiet(MakeRequest(http::Method::kGet, target))) << target;
  }
}

TEST(ApiAccessLogTest, OtherMethodsAreLogged) {
  for (http::Method method :
       {http::Method::kPost, http::Method::kHead, http::Method::kPut, http::Method::kOptions}) {
    EXPECT_FALSE(AccessLog::IsQuiet(MakeRequest(method, "/live")));
    EXPECT_FALSE(AccessLog::IsQuiet(MakeRequest(method, "/metrics")));
  }
}

TEST(ApiAccessLogTest, OnlyExactTargetsAreQuiet) {
  for (std::string_view target : {"/live?x=1", "/live//", "/lives", "/Live", "/metrics/x", "/",
                                  "/api/v1/perform", "", "live"}) {
    EXPECT_FALSE(AccessLog::IsQuiet(MakeRequest(http::Method::kGet, target))) << target;
  }
}

// The lines as the original writes them, captured from stdout (where the log goes).
class ApiAccessLogOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("REQUEST_TRACING_HEADER");
    unsetenv("CALLER_NAME_HEADER");
    unsetenv("LOG_CALLER_NAME");
  }
  void TearDown() override {
    unsetenv("LOG_CALLER_NAME");
    log::Init(log::Level::kInfo);
  }

  // Runs `fn` with logging at debug and returns what it printed.
  template <typename Fn>
  std::string Capture(Fn fn, bool structured = false) {
    log::Init(log::Level::kDebug, structured);
    ::testing::internal::CaptureStdout();
    fn();
    log::Flush();
    return ::testing::internal::GetCapturedStdout();
  }
};

TEST_F(ApiAccessLogOutputTest, StartedAndFinishedLines) {
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kPost, "/pub/job/n/v/api/v1/perform?x=1");
  std::string out = Capture([&] {
    access_log.Started(request);
    access_log.Finished(request, 200);
  });
  EXPECT_NE(out.find("] DEBUG Request: POST /pub/job/n/v/api/v1/perform?x=1\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("] INFO  POST /pub/job/n/v/api/v1/perform?x=1 200\n"), std::string::npos)
      << out;
}

TEST_F(ApiAccessLogOutputTest, QuietProbesAreLoggedOnlyWhenNot200) {
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kGet, "/ready");
  std::string out = Capture([&] {
    access_log.Started(request);
    access_log.Finished(request, 200);
    access_log.Finished(request, 500);
  });
  EXPECT_EQ(out.find("Request:"), std::string::npos) << out;
  EXPECT_EQ(out.find("GET /ready 200"), std::string::npos) << out;
  EXPECT_NE(out.find("] INFO  GET /ready 500\n"), std::string::npos) << out;
}

TEST_F(ApiAccessLogOutputTest, TracingIdAndCallerName) {
  setenv("LOG_CALLER_NAME", "true", 1);
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kPost, "/api/v1/perform");
  request.headers.push_back({"x-request-tracing-id", "abc123"});
  request.headers.push_back({"x-caller-name", "my caller"});
  std::string out = Capture([&] { access_log.Finished(request, 422); });
  EXPECT_NE(out.find("POST /api/v1/perform 422, tracing_id=abc123, caller_name=\"my caller\"\n"),
            std::string::npos)
      << out;
}

TEST_F(ApiAccessLogOutputTest, StructuredLinesCarryTheExtrasAsKeys) {
  setenv("LOG_CALLER_NAME", "1", 1);
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kPost, "/api/v1/perform");
  request.headers.push_back({"x-request-tracing-id", "trace-123"});
  request.headers.push_back({"x-caller-name", "alice"});
  std::string out = Capture(
      [&] {
        access_log.Started(request);
        access_log.Finished(request, 200);
      },
      /*structured=*/true);
  EXPECT_NE(out.find(R"(, "lvl": "DEBUG", "msg": "Request: POST /api/v1/perform", )"
                     R"("tracing_id": "trace-123", "caller_name": "alice"}
)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"(, "lvl": "INFO", "msg": "POST /api/v1/perform 200", )"
                     R"("tracing_id": "trace-123", "caller_name": "alice"}
)"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("tracing_id="), std::string::npos) << out;
}

TEST_F(ApiAccessLogOutputTest, EmptyHeadersAreLeftOut) {
  setenv("LOG_CALLER_NAME", "true", 1);
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kPost, "/api/v1/perform");
  request.headers.push_back({"x-request-tracing-id", ""});
  request.headers.push_back({"x-caller-name", ""});
  std::string out = Capture([&] { access_log.Finished(request, 200); });
  EXPECT_NE(out.find("POST /api/v1/perform 200\n"), std::string::npos) << out;
}

TEST_F(ApiAccessLogOutputTest, CallerNameOnlyWhenEnabled) {
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kPost, "/api/v1/perform");
  request.headers.push_back({"x-caller-name", "me"});
  std::string out = Capture([&] { access_log.Finished(request, 200); });
  EXPECT_NE(out.find("POST /api/v1/perform 200\n"), std::string::npos) << out;
}

TEST_F(ApiAccessLogOutputTest, HeaderNamesFromTheEnvironment) {
  setenv("REQUEST_TRACING_HEADER", "X-Trace", 1);
  AccessLog access_log;
  unsetenv("REQUEST_TRACING_HEADER");
  http::Request request = MakeRequest(http::Method::kGet, "/x");
  request.headers.push_back({"x-trace", "t1"});
  std::string out = Capture([&] { access_log.Finished(request, 404); });
  EXPECT_NE(out.find("GET /x 404, tracing_id=t1\n"), std::string::npos) << out;
}

TEST(ApiAccessLogTest, LoggingWithLoggingOffIsHarmless) {
  log::Init(log::Level::kOff);
  AccessLog access_log;
  http::Request request = MakeRequest(http::Method::kPost, "/api/v1/perform");
  request.headers.push_back({"x-request-tracing-id", "abc def"});
  access_log.Started(request);
  access_log.Finished(request, 200);
  log::Flush();
  log::Init(log::Level::kInfo);
}

}  // namespace
}  // namespace gw::api
