// Several workers behind one gateway (--workers N), end to end with the sleepy C++ job: calls go
// to the worker with the fewest in flight, a worker that dies fails only its own calls and is
// restarted alone while the job stays ready, and /ready, /health and /metrics say how many
// workers are ready.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway_process.h"

namespace rt_it {
namespace {

constexpr std::string_view kPerform = "/api/v1/perform";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

bool Has(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(WorkersTest, CallsGoToTheLeastBusyWorker) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job", {}, {"--workers", "2"}));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  // Ready with the first worker; wait for both.
  ASSERT_TRUE(WaitFor([&] { return Has(gateway.Get("/ready").body, R"("workers_ready":2)"); }, 10s))
      << gateway.Get("/ready").Describe();
  EXPECT_EQ(gateway.Get("/ready").body, R"({"ready":true,"workers_ready":2,"workers":2})");

  auto a = SendPerform(gateway, R"({"ms":1500})", 0);
  auto b = SendPerform(gateway, R"({"ms":1500})", 1);
  HttpResponse metrics = gateway.Get("/metrics");
  EXPECT_TRUE(Has(metrics.body, R"(racetrack_gateway_worker_calls_in_flight{worker="0"} 1)"))
      << metrics.body;
  EXPECT_TRUE(Has(metrics.body, R"(racetrack_gateway_worker_calls_in_flight{worker="1"} 1)"))
      << metrics.body;
  EXPECT_TRUE(Has(metrics.body, "racetrack_gateway_workers_ready 2")) << metrics.body;
  EXPECT_EQ(a->ReadResponse().status, 200);
  EXPECT_EQ(b->ReadResponse().status, 200);
}

TEST(WorkersTest, AWorkerThatDiesFailsOnlyItsOwnCalls) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job", {}, {"--workers", "2"}));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  ASSERT_TRUE(
      WaitFor([&] { return Has(gateway.Get("/ready").body, R"("workers_ready":2)"); }, 10s));
  std::optional<pid_t> first = gateway.WorkerPid(0);
  ASSERT_TRUE(first.has_value());

  auto a = SendPerform(gateway, R"({"ms":2000})", 0);
  auto b = SendPerform(gateway, R"({"ms":2000})", 1);
  ASSERT_EQ(kill(*first, SIGKILL), 0);
  HttpResponse ra = a->ReadResponse();
  HttpResponse rb = b->ReadResponse();
  // Exactly one of the two calls was on the killed worker.
  int failed = (ra.status == 502) + (rb.status == 502);
  int served = (ra.status == 200) + (rb.status == 200);
  EXPECT_EQ(failed, 1) << ra.Describe() << "\n" << rb.Describe();
  EXPECT_EQ(served, 1) << ra.Describe() << "\n" << rb.Describe();
  // The job stayed ready throughout (the other worker), and the dead one comes back alone.
  EXPECT_EQ(gateway.Get("/ready").status, 200);
  EXPECT_TRUE(gateway.WaitForLog("worker 0 lost", 5s) || gateway.WaitForLog("worker 1 lost", 1s))
      << gateway.Stdout();
  ASSERT_TRUE(WaitFor([&] { return Has(gateway.Get("/ready").body, R"("workers_ready":2)"); }, 10s))
      << gateway.Output();
  std::optional<pid_t> restarted = gateway.WorkerPid(2);
  ASSERT_TRUE(restarted.has_value()) << gateway.Stdout();
  HttpResponse metrics = gateway.Get("/metrics");
  EXPECT_TRUE(Has(metrics.body, "racetrack_gateway_worker_restarts_total 1")) << metrics.body;
  EXPECT_EQ(gateway.Post(kPerform, R"({"ms":1})", kJsonType).status, 200);
}

TEST(WorkersTest, OneWorkerKeepsTheOriginalProbeBodies) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job"));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  EXPECT_EQ(gateway.Get("/ready").body, R"({"ready":true})");
}

}  // namespace
}  // namespace rt_it
