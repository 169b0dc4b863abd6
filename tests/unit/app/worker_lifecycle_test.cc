// Loop-level tests of WorkerLifecycle through the whole GatewayApp (gateway_app_fixture.h), with
// the real sleepy_job worker: a worker that exits with a call in flight fails that call (502),
// the app is unready until the restarted worker is ready again, and the restart is counted; a
// worker command that cannot run fails Start, and the app still drains to a closed loop.
#include <gtest/gtest.h>

#include "gateway_app_fixture.h"

namespace gw::app {
namespace {

using WorkerLifecycleTest = GatewayAppTest;

TEST_F(WorkerLifecycleTest, AWorkerThatExitsMidCallFailsTheCallAndComesBackAfterARestart) {
  Run(30'000, [&](int port) {
    ASSERT_TRUE(WaitReady(port)) << "the worker never became ready";
    TestClient client(port);
    ASSERT_TRUE(client.Send(Request("POST", "/api/v1/perform", R"({"exit":3})")));
    auto failed = client.Read();
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->status, 502);
    EXPECT_NE(failed->body.find("\"type\":\"WorkerUnavailable\""), std::string::npos)
        << failed->body;

    ASSERT_TRUE(WaitReady(port)) << "the restarted worker never became ready";
    auto metrics = Fetch(port, "/metrics");
    ASSERT_TRUE(metrics.has_value());
    EXPECT_NE(metrics->body.find("\nracetrack_gateway_worker_restarts_total 1\n"),
              std::string::npos)
        << metrics->body;
    ASSERT_TRUE(client.Send(Request("POST", "/api/v1/perform", R"({"ms":1})")));
    auto answer = client.Read();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, R"({"slept":1})");
  });
}

TEST_F(WorkerLifecycleTest, AWorkerCommandThatCannotRunFailsStartAndTheAppStillDrains) {
  config::Config config = MakeConfig();
  config.worker_command = {dir_ + "/no-such-worker"};
  EXPECT_FALSE(Run(config, [](int) {}));
  EXPECT_NE(start_error_.find("cannot start the worker"), std::string::npos) << start_error_;
}

}  // namespace
}  // namespace gw::app
