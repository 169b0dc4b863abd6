// The life of a job call past its happy path, end to end with the real gateway and the sleepy
// C++ worker: deadlines count from arrival (a queued call whose time ran out never reaches the
// worker), a timed-out or abandoned call is cancelled at the job and keeps its concurrency slot
// until the worker has really let go of it, a call stuck past its deadline restarts the worker,
// and a worker that ends no call for --stall-timeout-ms fails /live.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "gateway_process.h"

namespace rt_it {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPerform = "/api/v1/perform";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

// A gateway over the sleepy job with a cap of one call at a time (and a queue), plus `flags`.
std::unique_ptr<GatewayProcess> LaunchCapped(const TempDir& dir, std::vector<std::string> flags) {
  std::string manifest = dir.path() + "/job.yaml";
  std::ofstream(manifest) << "name: sleepy\njobtype_extra:\n  max_concurrency: 1\n"
                             "  max_concurrency_queue: 4\n";
  flags.insert(flags.end(), {"--manifest-path", manifest});
  auto gateway =
      std::make_unique<GatewayProcess>(GatewayProcess::ForJob("sleepy_job", {}, std::move(flags)));
  std::string error;
  if (!gateway->StartAndWaitReady(10s, &error)) {
    ADD_FAILURE() << "gateway failed to start: " << error << "\n" << gateway->Output();
    return nullptr;
  }
  return gateway;
}

// After a 504 the job still runs the call (it ignores cancellation here): its slot stays taken
// until it ends, so the next caller waits instead of running beside it (no over-admission).
TEST(CallLifecycleTest, TimedOutCallKeepsItsSlotUntilTheWorkerEndsIt) {
  TempDir dir;
  auto gateway = LaunchCapped(dir, {"--call-timeout-ms", "1000", "--stuck-call-grace-ms", "60000"});
  ASSERT_NE(gateway, nullptr);
  auto first = SendPerform(*gateway, R"({"ms":3000,"ignore_cancel":true})", 0);
  HttpResponse r = first->ReadResponse();
  ASSERT_EQ(r.status, 504) << r.Describe();
  EXPECT_EQ(r.Json()["type"], "Timeout") << r.body;

  const auto sent = Clock::now();
  auto second = SendPerform(*gateway, R"({"ms":1})", 1);
  r = second->ReadResponse();
  // The first call ends about 2 s from now; the second's own deadline (1 s) passes in the queue.
  EXPECT_EQ(r.status, 504) << r.Describe();
  EXPECT_NE(r.body.find("free slot"), std::string::npos) << r.body;
  EXPECT_GE(ElapsedMs(sent), 900);
  // Once the stuck call has ended, the slot is free again.
  EXPECT_TRUE(WaitFor(
      [&] { return gateway->Post(kPerform, R"({"ms":1})", kJsonType).status == 200; }, 5s, 100ms))
      << gateway->Output();
}

// A queued call whose deadline passes gets 504 from the queue at its deadline, long before the
// running call ends, so it never reaches the worker.
TEST(CallLifecycleTest, QueuedCallPastItsDeadlineIsAnsweredFromTheQueue) {
  TempDir dir;
  auto gateway = LaunchCapped(dir, {"--call-timeout-ms", "1000", "--stuck-call-grace-ms", "60000"});
  ASSERT_NE(gateway, nullptr);
  auto running = SendPerform(*gateway, R"({"ms":2500,"ignore_cancel":true})", 0);
  const auto sent = Clock::now();
  auto queued = SendPerform(*gateway, R"({"ms":1})", 1);
  HttpResponse r = queued->ReadResponse();
  const long took = ElapsedMs(sent);
  EXPECT_EQ(r.status, 504) << r.Describe();
  EXPECT_NE(r.body.find("waited for a free slot"), std::string::npos) << r.body;
  EXPECT_GE(took, 900);
  EXPECT_LT(took, 2000) << "answered from the queue at its own deadline";
}

// The deadline's cancellation reaches the job (CurrentCall().cancelled()): the job stops, the
// worker ends the call, and the slot is free for the next caller at once.
TEST(CallLifecycleTest, CancellationReachesTheJobAndFreesTheSlot) {
  TempDir dir;
  auto gateway = LaunchCapped(dir, {"--call-timeout-ms", "500"});
  ASSERT_NE(gateway, nullptr);
  auto first = SendPerform(*gateway, R"({"ms":10000})", 0);
  HttpResponse r = first->ReadResponse();
  ASSERT_EQ(r.status, 504) << r.Describe();
  const auto sent = Clock::now();
  r = gateway->Post(kPerform, R"({"ms":1})", kJsonType);
  EXPECT_EQ(r.status, 200) << r.Describe() << "\n" << gateway->Output();
  EXPECT_LT(ElapsedMs(sent), 400);
}

// A client that goes away cancels its running call at the job; the slot is free once the job
// has stopped, and the next caller runs at once.
TEST(CallLifecycleTest, ClientThatLeavesCancelsItsRunningCall) {
  TempDir dir;
  auto gateway = LaunchCapped(dir, {});
  ASSERT_NE(gateway, nullptr);
  auto first = SendPerform(*gateway, R"({"ms":10000})", 0);
  first->Reset();
  const auto sent = Clock::now();
  HttpResponse r = gateway->Post(kPerform, R"({"ms":1})", kJsonType, 5s);
  EXPECT_EQ(r.status, 200) << r.Describe() << "\n" << gateway->Output();
  EXPECT_LT(ElapsedMs(sent), 1500) << "the abandoned call must not hold the slot for 10 s";
}

// A call that outlives its deadline by the grace and does not end when cancelled makes the
// gateway restart the worker; the job is ready again afterwards.
TEST(CallLifecycleTest, StuckCallRestartsTheWorker) {
  GatewayProcess gateway(GatewayProcess::ForJob(
      "sleepy_job", {}, {"--call-timeout-ms", "300", "--stuck-call-grace-ms", "300"}));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value());

  HttpResponse r = gateway.Post(kPerform, R"({"ms":30000,"ignore_cancel":true})", kJsonType);
  ASSERT_EQ(r.status, 504) << r.Describe();
  EXPECT_TRUE(gateway.WaitForLog("restarting the worker: call", 5s)) << gateway.Output();
  std::optional<pid_t> second = gateway.WorkerPid(1, 10s);
  ASSERT_TRUE(second.has_value()) << gateway.Output();
  EXPECT_NE(*second, *worker);
  EXPECT_TRUE(WaitFor([&] { return ProcessGone(*worker); }, 5s));
  ASSERT_TRUE(gateway.WaitReady(10s)) << gateway.Output();
  r = gateway.Post(kPerform, R"({"ms":1})", kJsonType);
  EXPECT_EQ(r.status, 200) << r.Describe();
  HttpResponse metrics = gateway.Get("/metrics");
  EXPECT_NE(metrics.body.find("racetrack_gateway_worker_restarts_total 1"), std::string::npos)
      << metrics.body.substr(0, 4000);
}

// With calls in flight and none ended for --stall-timeout-ms, /live fails with the reason (an
// orchestrator restarts a wedged job); it passes again once the worker makes progress.
TEST(CallLifecycleTest, StalledWorkerFailsLiveUntilItMakesProgress) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job", {}, {"--stall-timeout-ms", "1000"}));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  auto slow = SendPerform(gateway, R"({"ms":3500,"ignore_cancel":true})", 0);
  ASSERT_TRUE(gateway.WaitForStatus("/live", 500, 5s)) << gateway.Output();
  HttpResponse live = gateway.Get("/live");
  EXPECT_NE(live.Json().value("error", "").find("ended no call"), std::string::npos)
      << live.Describe();
  HttpResponse r = slow->ReadResponse();
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_TRUE(gateway.WaitForStatus("/live", 200, 5s)) << gateway.Output();
}

}  // namespace
}  // namespace rt_it
