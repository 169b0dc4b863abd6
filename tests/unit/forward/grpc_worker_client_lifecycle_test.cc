// Loop-level tests of the gRPC WorkerClient's lifecycle against an in-process fake worker:
// readiness (loading, then ready, heard once; a failed init heard once), the worker going away
// with calls in flight and coming back, the worker dropping the stream, Reset, and Shutdown with
// calls and RPCs in flight (done runs, the loop runs out, no handle is left open).
#include <gtest/gtest.h>

#include "worker_client_fixture.h"

namespace gw::forward {
namespace {

using GrpcWorkerClientLifecycleTest = WorkerClientTest;
using test_support::hpb::HealthCheckResponse;

constexpr std::chrono::milliseconds kReconnectTimeout{20'000};

TEST_F(GrpcWorkerClientLifecycleTest, ALoadingWorkerBecomesReadyOnceWithItsDescription) {
  fake_.SetLoading();
  Make();
  ASSERT_TRUE(Until([&] { return fake_.describes() >= 3; }));
  EXPECT_EQ(ready_count_, 0);
  EXPECT_FALSE(client_->ready());
  EXPECT_EQ(client_->description(), nullptr);

  fake_.SetReady();
  ASSERT_TRUE(Until([&] { return ready_count_ == 1; }));
  EXPECT_TRUE(client_->ready());
  ASSERT_NE(client_->description(), nullptr);
  EXPECT_EQ(client_->description()->class_name, "FakeJob");
  EXPECT_EQ(description_.class_name, "FakeJob");
  EXPECT_EQ(description_.max_concurrency, 3u);
  EXPECT_EQ(description_.sdk, "fake/1.0");
  EXPECT_EQ(description_.parameters_json, R"([{"name":"x"}])");
  EXPECT_EQ(description_.perform_example_json, R"({"n":7})");
  ASSERT_EQ(description_.endpoints.size(), 2u);
  EXPECT_EQ(description_.endpoints[0].kind, EndpointDescription::Kind::kPerform);
  EXPECT_EQ(description_.endpoints[1].kind, EndpointDescription::Kind::kStatic);
  EXPECT_EQ(description_.endpoints[1].mimetype, "text/plain");

  // Ready means no more polling; calls work and readiness is not reported again.
  int describes = fake_.describes();
  Call(1, "/echo");
  Call(2, "/echo");
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}); }));
  Call(3, "/echo");
  ASSERT_TRUE(Until([&] { return Has(3); }));
  EXPECT_EQ(ready_count_, 1);
  EXPECT_EQ(fake_.describes(), describes);
  EXPECT_EQ(failed_count_, 0);
}

TEST_F(GrpcWorkerClientLifecycleTest, DescribeReadyIsNotEnoughWhileHealthSaysNotServing) {
  fake_.Set(HealthCheckResponse::NOT_SERVING, test_support::wpb::WORKER_STATE_READY, "");
  Make();
  ASSERT_TRUE(Until([&] { return fake_.describes() >= 3; }));
  EXPECT_EQ(ready_count_, 0);
  fake_.SetReady();
  ASSERT_TRUE(Until([&] { return ready_count_ == 1; }));
}

TEST_F(GrpcWorkerClientLifecycleTest, AFailedInitIsReportedOnceWithTheWorkersText) {
  fake_.SetFailed("Traceback: ValueError: no model");
  Make();
  ASSERT_TRUE(Until([&] { return failed_count_ == 1; }));
  EXPECT_EQ(failed_error_, "Traceback: ValueError: no model");
  // Health is still polled (slower); the same failure is not reported again.
  int checks = fake_.health_checks();
  ASSERT_TRUE(Until([&] { return fake_.health_checks() >= checks + 1; }));
  EXPECT_EQ(failed_count_, 1);
  EXPECT_EQ(ready_count_, 0);
  EXPECT_FALSE(client_->ready());
  // A worker that recovers (serving after all) is ready.
  fake_.SetReady();
  ASSERT_TRUE(Until([&] { return ready_count_ == 1; }));
  EXPECT_EQ(failed_count_, 1);
}

TEST_F(GrpcWorkerClientLifecycleTest, TheWorkerGoingAwayEndsEveryCallWorkerLostAndComesBackReady) {
  MakeReady();
  Call(1, "/hold");
  Call(2, "/hold");
  Call(3, "/hold", "{}", 60'000);
  client_->StartHttp(4, Http("/hold"), 0);
  ASSERT_TRUE(Until([&] { return fake_.held_calls() == 3 && fake_.http_held() == 1; }));

  fake_.Stop();
  ASSERT_TRUE(Until([&] { return HasAll({1, 2, 3, 4}) && lost_count_ == 1; }));
  for (uint64_t id : {1, 2, 3, 4}) {
    EXPECT_EQ(Result(id).end, CallEnd::kWorkerLost) << "call " << id;
    EXPECT_FALSE(Result(id).message.empty()) << "call " << id;
  }
  EXPECT_FALSE(lost_reason_.empty());
  EXPECT_FALSE(client_->ready());
  EXPECT_EQ(client_->description(), nullptr);
  EXPECT_EQ(client_->in_flight(), 0u);

  // While it is away, calls end not ready.
  Call(5, "/echo");
  ASSERT_TRUE(Until([&] { return Has(5); }));
  EXPECT_EQ(Result(5).end, CallEnd::kNotReady);

  // The worker comes back on the same address: readiness is watched again.
  ASSERT_TRUE(fake_.Start());
  ASSERT_TRUE(Until([&] { return ready_count_ == 2; }, kReconnectTimeout));
  EXPECT_EQ(lost_count_, 1);
  Call(6, "/echo", R"({"again":true})");
  ASSERT_TRUE(Until([&] { return Has(6); }));
  EXPECT_EQ(Result(6).end, CallEnd::kAnswered);
  EXPECT_EQ(Result(6).body, R"({"again":true})");
}

TEST_F(GrpcWorkerClientLifecycleTest, TheWorkerDroppingTheStreamLosesItsCallsAndANewStreamOpens) {
  MakeReady();
  Call(1, "/hold");
  ASSERT_TRUE(Until([&] { return fake_.held_calls() == 1; }));
  Call(2, "/drop");
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}) && lost_count_ == 1; }));
  EXPECT_EQ(Result(1).end, CallEnd::kWorkerLost);
  EXPECT_EQ(Result(2).end, CallEnd::kWorkerLost);
  EXPECT_NE(lost_reason_.find("the worker connection was lost"), std::string::npos) << lost_reason_;

  ASSERT_TRUE(Until([&] { return ready_count_ == 2; }, kReconnectTimeout));
  Call(3, "/echo");
  ASSERT_TRUE(Until([&] { return Has(3); }));
  EXPECT_EQ(Result(3).end, CallEnd::kAnswered);
  EXPECT_EQ(fake_.streams_opened(), 2);
}

TEST_F(GrpcWorkerClientLifecycleTest, ResetEndsCallsWithTheReasonAndWatchesReadinessAgain) {
  MakeReady();
  Call(1, "/hold");
  client_->StartHttp(2, Http("/hold"), 0);
  ASSERT_TRUE(Until([&] { return fake_.held_calls() == 1 && fake_.http_held() == 1; }));

  client_->Reset("the worker exited with status 1");
  EXPECT_TRUE(HasAll({1, 2})) << "Reset ends the calls at once";
  EXPECT_EQ(Result(1).end, CallEnd::kWorkerLost);
  EXPECT_EQ(Result(2).end, CallEnd::kWorkerLost);
  EXPECT_EQ(Result(2).message, "the worker exited with status 1");
  EXPECT_EQ(lost_count_, 1);
  EXPECT_EQ(lost_reason_, "the worker exited with status 1");
  EXPECT_FALSE(client_->ready());
  EXPECT_EQ(client_->in_flight(), 0u);

  // The fake is still there, as a restarted worker would be: ready again on a new link.
  ASSERT_TRUE(Until([&] { return ready_count_ == 2; }, kReconnectTimeout));
  Call(3, "/echo");
  ASSERT_TRUE(Until([&] { return Has(3); }));
  EXPECT_EQ(Result(3).end, CallEnd::kAnswered);
  EXPECT_EQ(lost_count_, 1);
}

TEST_F(GrpcWorkerClientLifecycleTest, ResetOfAWorkerNotYetReadyIsNoLoss) {
  fake_.SetLoading();
  Make();
  ASSERT_TRUE(Until([&] { return fake_.describes() >= 1; }));
  client_->Reset("the worker exited");
  EXPECT_EQ(lost_count_, 0);
  fake_.SetReady();
  ASSERT_TRUE(Until([&] { return ready_count_ == 1; }));
}

TEST_F(GrpcWorkerClientLifecycleTest, ShutdownWithCallsAndRpcsInFlightLetsGoOfEverything) {
  MakeReady();
  fake_.HoldMetrics(true);
  Call(1, "/hold");
  Call(2, "/hold", "{}", 60'000);
  client_->StartHttp(3, Http("/hold"), 0);
  bool gauges_done = false;
  client_->CollectGauges([&](std::vector<observability::JobGauge> gauges) {
    EXPECT_FALSE(gauges_done);
    gauges_done = true;
    EXPECT_TRUE(gauges.empty());
  });
  ASSERT_TRUE(Until([&] {
    return fake_.held_calls() == 2 && fake_.http_held() == 1 && fake_.metrics_held() == 1;
  }));

  client_->Shutdown([this] { shutdown_done_ = true; });
  shut_down_ = true;
  EXPECT_TRUE(HasAll({1, 2})) << "stream calls end at once";
  EXPECT_EQ(Result(1).end, CallEnd::kShutdown);
  EXPECT_EQ(Result(2).end, CallEnd::kShutdown);
  EXPECT_FALSE(client_->ready());

  EXPECT_TRUE(test_support::RunOut(loop_)) << "the loop did not run out";
  EXPECT_TRUE(shutdown_done_);
  EXPECT_TRUE(gauges_done);
  ASSERT_TRUE(Has(3));
  EXPECT_EQ(Result(3).end, CallEnd::kShutdown);
  EXPECT_EQ(lost_count_, 0) << "shutting down is not losing the worker";
  EXPECT_EQ(loop_.holds(), 0);
  client_.reset();
  EXPECT_EQ(loop_.Close(), 0);
}

TEST_F(GrpcWorkerClientLifecycleTest, ShutdownWhileWatchingAnUnreachableWorker) {
  fake_.Stop();
  Make();
  // Every poll fails; give the watcher a few.
  ASSERT_FALSE(Until([&] { return ready_count_ > 0; }, std::chrono::milliseconds(200)));
  ShutdownAndRunOut();
  client_.reset();
  EXPECT_EQ(loop_.Close(), 0);
}

TEST_F(GrpcWorkerClientLifecycleTest, ShutdownTwiceIsHarmless) {
  MakeReady();
  ShutdownAndRunOut();
  client_->Shutdown([] {});  // a second Shutdown does nothing
  EXPECT_TRUE(test_support::RunOut(loop_));
  client_.reset();
  EXPECT_EQ(loop_.Close(), 0);
}

}  // namespace
}  // namespace gw::forward
