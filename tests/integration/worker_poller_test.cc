// The worker executable starts gRPC with its poll() poller (worker_server.cc: on a unix socket,
// epoll woke the worker once more for every message the gateway read), unless
// GRPC_POLL_STRATEGY names another; gRPC says which one it uses in its debug log.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gateway_process.h"

namespace rt_it {
namespace {

// The poller a prime_job worker reports, started with `env` on top of its own.
std::string PollerOf(std::vector<std::pair<std::string, std::string>> env) {
  TempDir dir;
  env.emplace_back("RACETRACK_WORKER_ADDRESS", "unix:" + dir.path() + "/worker.sock");
  env.emplace_back("GRPC_VERBOSITY", "debug");
  ChildProcess worker;
  std::string error;
  const std::string err = dir.path() + "/worker.err";
  const bool chosen = std::any_of(
      env.begin(), env.end(), [](const auto& var) { return var.first == "GRPC_POLL_STRATEGY"; });
  EXPECT_TRUE(worker.Start(
      {ExampleJob("prime_job")}, env, dir.path() + "/worker.out", err, &error,
      chosen ? std::vector<std::string>{} : std::vector<std::string>{"GRPC_POLL_STRATEGY"}))
      << error;
  constexpr std::string_view kLine = "Using polling engine: ";
  std::string engine;
  WaitFor(
      [&] {
        const std::string text = ReadFile(err);
        const std::size_t at = text.find(kLine);
        if (at == std::string::npos) return false;
        const std::size_t end = text.find('\n', at);
        if (end == std::string::npos) return false;
        engine = text.substr(at + kLine.size(), end - at - kLine.size());
        return true;
      },
      10s, 20ms);
  return engine;
}

TEST(WorkerPollerTest, TheWorkerUsesGrpcsPollPoller) { EXPECT_EQ(PollerOf({}), "poll"); }

TEST(WorkerPollerTest, GrpcPollStrategyChoosesAnother) {
  EXPECT_EQ(PollerOf({{"GRPC_POLL_STRATEGY", "epoll1"}}), "epoll1");
}

}  // namespace
}  // namespace rt_it
