// One call against a job: payload parsing, result serialisation, error replies.
#include "racetrack/internal/dispatch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace racetrack::internal {
namespace {

// Echoes a field chosen by "mode" so that each test picks the result it needs.
class EchoJob : public Job {
 public:
  Json Perform(const Json& args) override {
    const std::string mode = args.value("mode", "echo");
    if (mode == "nan") return Json{{"x", std::nan("")}};
    if (mode == "inf") return Json::array({1.0, std::numeric_limits<double>::infinity()});
    if (mode == "number") return args.at("number").get<int>() * 2;
    if (mode == "bad_utf8") return std::string("\xff\xfe");
    return args;
  }
};

TEST(DispatchTest, ResultIsCompactJson) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/perform", R"({ "a" : [1, 2.5, "x", null, true] })");
  ASSERT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.result_json, R"({"a":[1,2.5,"x",null,true]})");
}

TEST(DispatchTest, EmptyPayloadIsAnEmptyObject) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/perform", "");
  ASSERT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.result_json, "{}");
}

TEST(DispatchTest, ScalarResults) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/perform", R"({"mode":"number","number":21})");
  ASSERT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.result_json, "42");
}

TEST(DispatchTest, NonFiniteFloatsAreRefused) {
  EchoJob job;
  for (const char* payload : {R"({"mode":"nan"})", R"({"mode":"inf"})"}) {
    const CallOutcome outcome = InvokeJob(job, "/perform", payload);
    ASSERT_FALSE(outcome.ok) << payload;
    EXPECT_EQ(outcome.error.http_status, 400);
    EXPECT_EQ(outcome.error.type, "ValueError");
    EXPECT_EQ(outcome.error.message, "Out of range float values are not JSON compliant");
  }
}

TEST(DispatchTest, InvalidUtf8ResultIsAValueError) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/perform", R"({"mode":"bad_utf8"})");
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 400);
  EXPECT_EQ(outcome.error.type, "ValueError");
}

TEST(DispatchTest, MissingArgumentIsAFailedCall) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/perform", R"({"mode":"number"})");
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 400);
  EXPECT_EQ(outcome.error.type, "ValueError");
  EXPECT_EQ(outcome.error.message.rfind("failed to call a function: ", 0), 0u);
}

TEST(DispatchTest, UnknownEndpointIsNotFound) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/explain", "{}");
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 404);
  EXPECT_EQ(outcome.error.type, "EntityNotFound");
}

TEST(DispatchTest, NonObjectPayloadIsAValueError) {
  EchoJob job;
  const CallOutcome outcome = InvokeJob(job, "/perform", "[1,2]");
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 400);
  EXPECT_EQ(outcome.error.type, "ValueError");
}

}  // namespace
}  // namespace racetrack::internal
