// Loop-level tests of the graceful drain through the whole GatewayApp (gateway_app_fixture.h):
// BeginShutdown (what SIGTERM does) with a slow call in flight answers that call, stops the
// worker, and the loop runs out with no handle left open (Loop::Close() == 0); a call that
// outlives the drain timeout gets 503 and the loop still runs out.
#include <gtest/gtest.h>

#include "gateway_app_fixture.h"

namespace gw::app {
namespace {

using DrainTest = GatewayAppTest;

TEST_F(DrainTest, BeginShutdownAnswersTheSlowCallInFlightAndTheLoopRunsOut) {
  std::optional<HttpResponse> answer;
  std::optional<HttpResponse> after;
  Run(30'000, [&](int port) {
    ASSERT_TRUE(WaitReady(port)) << "the worker never became ready";
    TestClient client(port);
    ASSERT_TRUE(client.Send(Request("POST", "/api/v1/perform", R"({"ms":600})")));
    ASSERT_TRUE(WaitCallStarted(port));
    BeginShutdownOnLoop();
    answer = client.Read();
    after = Fetch(port, "/live");  // no longer listening
  });
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, R"({"slept":600})");
  EXPECT_EQ(answer->Header("connection"), "close");
  EXPECT_FALSE(after.has_value());
}

TEST_F(DrainTest, ACallThatOutlivesTheDrainTimeoutGets503AndTheLoopStillRunsOut) {
  std::optional<HttpResponse> answer;
  auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration took{};
  Run(200, [&](int port) {
    ASSERT_TRUE(WaitReady(port)) << "the worker never became ready";
    TestClient client(port);
    ASSERT_TRUE(client.Send(Request("POST", "/api/v1/perform", R"({"ms":3000})")));
    ASSERT_TRUE(WaitCallStarted(port));
    started = std::chrono::steady_clock::now();
    BeginShutdownOnLoop();
    answer = client.Read();
    took = std::chrono::steady_clock::now() - started;
  });
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->body.find("ServiceUnavailable"), std::string::npos) << answer->body;
  EXPECT_LT(took, std::chrono::milliseconds(2'500)) << "the drain did not wait for the 3 s call";
}

TEST_F(DrainTest, BeginShutdownWhenIdleRunsOutQuickly) {
  Run(30'000, [&](int port) {
    ASSERT_TRUE(WaitReady(port)) << "the worker never became ready";
    BeginShutdownOnLoop();
  });
}

}  // namespace
}  // namespace gw::app
