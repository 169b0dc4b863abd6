// One call against a job: payload parsing, result serialisation, error replies.
#include "racetrack/internal/dispatch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

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

// A job with auxiliary endpoints: "/double" (with an example and a docstring), "explain" (no
// leading slash, shadowed by "/explain"), "/perform" (left to perform) and "/throw".
class AuxJob : public Job {
 public:
  Json Perform(const Json& /*args*/) override { return "perform"; }
  std::map<std::string, AuxiliaryEndpoint> AuxiliaryEndpoints() override {
    return {
        {"/double",
         {[this](const Json& args) { return Double(args); }, Json{{"x", 21}}, "Doubles"}},
        {"explain", {[](const Json&) { return Json("from explain"); }}},
        {"/explain", {[](const Json&) { return Json("from /explain"); }}},
        {"/perform", {[](const Json&) { return Json("shadowed"); }}},
        {"other", {[](const Json&) { return Json(std::nan("")); }}},
        {"/throw", {[](const Json& args) -> Json {
           if (args.value("kind", "") == "value") throw ValueError("bad value");
           throw std::runtime_error("boom");
         }}},
    };
  }

 private:
  Json Double(const Json& args) const { return args.at("x").get<int>() * factor_; }
  int factor_ = 2;
};

TEST(AuxiliaryDispatchTest, PathsAreNormalisedAndPerformIsKept) {
  AuxJob job;
  const AuxiliaryTable table = CollectAuxiliaryEndpoints(job);
  std::vector<std::string> paths;
  for (const auto& [path, endpoint] : table) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/double", "/explain", "/other", "/throw"}));
  EXPECT_EQ(table.at("/double").input_example, (Json{{"x", 21}}));
  EXPECT_EQ(table.at("/double").docstring, "Doubles");

  const CallOutcome shadowed = InvokeJob(job, "/explain", "{}", table);
  ASSERT_TRUE(shadowed.ok);
  EXPECT_EQ(shadowed.result_json, R"("from /explain")");  // the first key in order wins
  const CallOutcome perform = InvokeJob(job, "/perform", "{}", table);
  ASSERT_TRUE(perform.ok);
  EXPECT_EQ(perform.result_json, R"("perform")");
}

TEST(AuxiliaryDispatchTest, CallRunsTheHandler) {
  AuxJob job;
  const AuxiliaryTable table = CollectAuxiliaryEndpoints(job);
  const CallOutcome outcome = InvokeJob(job, "/double", R"({"x":21})", table);
  ASSERT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.result_json, "42");
}

TEST(AuxiliaryDispatchTest, ErrorsMapLikePerform) {
  AuxJob job;
  const AuxiliaryTable table = CollectAuxiliaryEndpoints(job);
  CallOutcome outcome = InvokeJob(job, "/double", "{}", table);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 400);
  EXPECT_EQ(outcome.error.type, "ValueError");
  EXPECT_EQ(outcome.error.message.rfind("failed to call a function: ", 0), 0u);

  outcome = InvokeJob(job, "/throw", R"({"kind":"value"})", table);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 400);
  EXPECT_EQ(outcome.error.type, "ValueError");
  EXPECT_EQ(outcome.error.message, "bad value");

  outcome = InvokeJob(job, "/throw", "{}", table);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 500);
  EXPECT_EQ(outcome.error.type, "runtime_error");

  outcome = InvokeJob(job, "/double", "[1]", table);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 400);

  outcome = InvokeJob(job, "/other", "{}", table);  // NaN: the same serialisation as perform
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.message, "Out of range float values are not JSON compliant");
}

TEST(AuxiliaryDispatchTest, UnknownEndpointIsStillNotFound) {
  AuxJob job;
  const AuxiliaryTable table = CollectAuxiliaryEndpoints(job);
  const CallOutcome outcome = InvokeJob(job, "/nope", "{}", table);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.http_status, 404);
  EXPECT_EQ(outcome.error.type, "EntityNotFound");
}

class NoHandlerJob : public Job {
 public:
  Json Perform(const Json& /*args*/) override { return nullptr; }
  std::map<std::string, AuxiliaryEndpoint> AuxiliaryEndpoints() override {
    return {{"/empty", {}}};
  }
};

TEST(AuxiliaryDispatchTest, EndpointWithoutHandlerIsAnInitError) {
  NoHandlerJob job;
  EXPECT_THROW(CollectAuxiliaryEndpoints(job), std::invalid_argument);
}

}  // namespace
}  // namespace racetrack::internal
