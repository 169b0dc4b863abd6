// The gateway and the worker run their threads under SCHED_BATCH unless told "normal"
// (racetrack_common/sched_policy.h): the gateway by --sched-policy or RACETRACK_SCHED_POLICY,
// which it passes on to the workers it spawns; a worker started apart by RACETRACK_SCHED_POLICY.
// Each process applies it on its first thread, so every thread it starts has it.
#include <gtest/gtest.h>
#include <sched.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gateway_process.h"

namespace rt_it {
namespace {

// Each thread of `pid` ("name/tid") with its scheduling policy.
std::map<std::string, int> PoliciesOfThreads(pid_t pid) {
  std::map<std::string, int> policies;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(tasks, ec)) {
    const std::string tid = entry.path().filename();
    std::string name = ReadFile(entry.path() / "comm");
    if (!name.empty() && name.back() == '\n') name.pop_back();
    const int policy = sched_getscheduler(static_cast<pid_t>(std::stoi(tid)));
    if (policy >= 0) policies[name + "/" + tid] = policy;  // else: the thread has just ended
  }
  return policies;
}

// Expects every thread of `pid` under `policy`, and more than one thread (gRPC's are started).
void ExpectAllThreads(pid_t pid, int policy, const std::string& what) {
  const std::map<std::string, int> policies = PoliciesOfThreads(pid);
  EXPECT_GT(policies.size(), 1u) << what;
  for (const auto& [thread, actual] : policies) {
    EXPECT_EQ(actual, policy) << what << " thread " << thread;
  }
}

// The threads of a gateway with one prime_job worker, once it is ready, and of the worker it
// starts again after that one is killed.
void ExpectGatewayAndWorker(GatewayOptions options, int policy) {
  GatewayProcess gateway(std::move(options));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error << gateway.Output();
  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value()) << gateway.Output();
  ExpectAllThreads(gateway.pid(), policy, "gateway");
  ExpectAllThreads(*worker, policy, "worker");

  ASSERT_EQ(kill(*worker, SIGKILL), 0);
  std::optional<pid_t> restarted = gateway.WorkerPid(1, 10s);
  ASSERT_TRUE(restarted.has_value()) << gateway.Output();
  ASSERT_TRUE(gateway.WaitReady(10s)) << gateway.Output();
  ExpectAllThreads(*restarted, policy, "restarted worker");
}

TEST(SchedPolicyTest, TheGatewayAndItsWorkerRunBatch) {
  GatewayOptions options = GatewayProcess::ForJob("prime_job", {});
  options.unset_env = {"RACETRACK_SCHED_POLICY"};
  ExpectGatewayAndWorker(std::move(options), SCHED_BATCH);
}

TEST(SchedPolicyTest, NormalReachesTheWorkerByFlagAndByEnvironment) {
  // The worker starts under the gateway's policy, and would apply its own default again if the
  // gateway did not pass its choice on.
  ExpectGatewayAndWorker(GatewayProcess::ForJob("prime_job", {}, {"--sched-policy", "normal"}),
                         SCHED_OTHER);
  ExpectGatewayAndWorker(
      GatewayProcess::ForJob("prime_job", {{"RACETRACK_SCHED_POLICY", "normal"}}), SCHED_OTHER);
}

// A prime_job worker started apart (as in a two-container pod), once it listens.
void ExpectWorkerApart(const EnvVars& policy_env, int policy, const std::string& log_line = "") {
  TempDir dir;
  const std::string socket = dir.path() + "/worker.sock";
  EnvVars env = policy_env;
  env.emplace_back("RACETRACK_WORKER_ADDRESS", "unix:" + socket);
  ChildProcess worker;
  std::string error;
  const std::string out = dir.path() + "/worker.out";
  ASSERT_TRUE(worker.Start({ExampleJob("prime_job")}, env, out, dir.path() + "/worker.err", &error,
                           {"RACETRACK_SCHED_POLICY"}))
      << error;
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(socket); }, 10s)) << ReadFile(out);
  ExpectAllThreads(worker.pid(), policy, "worker apart");
  if (!log_line.empty()) {
    EXPECT_NE(ReadFile(out).find(log_line), std::string::npos) << ReadFile(out);
  }
}

TEST(SchedPolicyTest, AWorkerStartedApartRunsBatchUnlessToldNormal) {
  ExpectWorkerApart({}, SCHED_BATCH);
  ExpectWorkerApart({{"RACETRACK_SCHED_POLICY", "normal"}}, SCHED_OTHER);
  ExpectWorkerApart({{"RACETRACK_SCHED_POLICY", "fifo"}}, SCHED_BATCH,
                    "RACETRACK_SCHED_POLICY: unknown policy 'fifo' (batch or normal); using batch");
}

}  // namespace
}  // namespace rt_it
