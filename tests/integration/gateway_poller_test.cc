// The gateway starts gRPC with its poll() poller (forward/completion_thread.cc: on a unix socket,
// epoll woke the completion thread once more for every message the worker read), unless
// GRPC_POLL_STRATEGY names another. With poll(), gRPC polls a connection being set up only for an
// operation waiting on it, else only by its backup poller every 5 s: the readiness watcher keeps a
// probe waiting, so a worker is ready at once, and again after a restart. The variable does not
// reach the worker. gRPC names its poller in its debug log, on the line of the thread that
// started it (the gateway's main thread: its pid).
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "gateway_process.h"

namespace rt_it {
namespace {

constexpr std::string_view kEngineLine = "Using polling engine: ";

// The poller named on gRPC's debug line of thread `tid` in `log`, "" if none yet.
std::string PollerOfThread(const std::string& log, pid_t tid) {
  const std::string thread = " " + std::to_string(tid) + " ";
  for (size_t at = log.find(kEngineLine); at != std::string::npos;
       at = log.find(kEngineLine, at + 1)) {
    const size_t begin = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
    const size_t end = log.find('\n', at);
    if (end == std::string::npos) break;
    if (log.substr(begin, at - begin).find(thread) == std::string::npos) continue;
    return log.substr(at + kEngineLine.size(), end - at - kEngineLine.size());
  }
  return "";
}

std::vector<std::string> EnvironmentOf(pid_t pid) {
  const std::string text = ReadFile("/proc/" + std::to_string(pid) + "/environ");
  std::vector<std::string> vars;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\0', begin);
    if (end == std::string::npos) end = text.size();
    vars.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return vars;
}

// The poller the gateway's main thread names (waits for gRPC's line).
std::string GatewayPoller(const GatewayProcess& gateway) {
  std::string engine;
  WaitFor(
      [&] {
        engine = PollerOfThread(gateway.Stderr(), gateway.pid());
        return !engine.empty();
      },
      5s);
  return engine;
}

GatewayOptions DebugGateway(EnvVars env = {}) {
  GatewayOptions options = GatewayProcess::ForJob("prime_job", std::move(env));
  options.env.emplace_back("GRPC_VERBOSITY", "debug");
  return options;
}

TEST(GatewayPollerTest, UsesPollAndTheWorkerIsReadyAtOnceAndAgainAfterARestart) {
  GatewayOptions options = DebugGateway();
  options.unset_env = {"GRPC_POLL_STRATEGY"};
  GatewayProcess gateway(options);
  std::string error;
  // Without a probe waiting on the connection, gRPC's backup poller would make this take 5 s.
  ASSERT_TRUE(gateway.StartAndWaitReady(4s, &error)) << error << gateway.Output();
  EXPECT_EQ(GatewayPoller(gateway), "poll") << gateway.Stderr();

  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value()) << gateway.Output();
  for (const std::string& var : EnvironmentOf(*worker)) {
    EXPECT_NE(var.rfind("GRPC_POLL_STRATEGY=", 0), 0u) << var;
  }

  ASSERT_EQ(kill(*worker, SIGKILL), 0);
  std::optional<pid_t> restarted = gateway.WorkerPid(1, 5s);
  ASSERT_TRUE(restarted.has_value()) << gateway.Output();
  EXPECT_TRUE(gateway.WaitReady(4s)) << gateway.Output();
}

TEST(GatewayPollerTest, GrpcPollStrategyChoosesAnother) {
  GatewayProcess gateway(DebugGateway({{"GRPC_POLL_STRATEGY", "epoll1"}}));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error << gateway.Output();
  EXPECT_EQ(GatewayPoller(gateway), "epoll1") << gateway.Stderr();
}

}  // namespace
}  // namespace rt_it
