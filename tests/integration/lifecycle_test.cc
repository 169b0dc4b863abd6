// The gateway's life and its worker's, end to end (ARCHITECTURE.md §5, spec §6.1): probes while
// the worker loads or after it failed to, a worker dying under a call, SIGTERM draining,
// --worker-address mode, and the command line.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <memory>
#include <string>

#include "gateway_process.h"

namespace rt_it {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPerform = "/api/v1/perform";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

long ElapsedMs(Clock::time_point since) {
  return static_cast<long>(std::chrono::duration_cast<Millis>(Clock::now() - since).count());
}

// A {"error": string, "type": string} body, as every job-level failure has (spec §7.4).
void ExpectErrorBody(const HttpResponse& r) {
  nlohmann::json body = r.Json();
  ASSERT_TRUE(body.is_object()) << r.Describe();
  ASSERT_TRUE(body.contains("error") && body["error"].is_string()) << r.body;
  ASSERT_TRUE(body.contains("type") && body["type"].is_string()) << r.body;
  EXPECT_FALSE(body["error"].get<std::string>().empty()) << r.body;
  EXPECT_FALSE(body["type"].get<std::string>().empty()) << r.body;
}

TEST(LifecycleTest, ProbesWhileTheWorkerLoads) {
  GatewayProcess gateway(GatewayProcess::ForJob(
      "slow_init_job", {{"SLOW_INIT_MS", "4000"}, {"JOB_DEPLOYMENT_TIMESTAMP", "1700000000"}}));
  const auto started = Clock::now();
  std::string error;
  ASSERT_TRUE(gateway.Start(&error)) << error;
  // Probes are served at once, long before the worker has loaded.
  ASSERT_TRUE(gateway.WaitForStatus("/live", 200, 5s)) << gateway.Output();

  HttpResponse r = gateway.Get("/live");
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"live":true,"deployment_timestamp":"1700000000"})");

  r = gateway.Get("/ready");
  EXPECT_EQ(r.status, 500) << r.Describe();
  EXPECT_EQ(r.body, R"({"ready":false})");

  r = gateway.Get("/health");
  EXPECT_EQ(r.status, 500) << r.Describe();
  nlohmann::json health = r.Json();
  EXPECT_EQ(health["status"], "fail") << r.body;
  EXPECT_EQ(health["live"], true) << r.body;
  EXPECT_EQ(health["ready"], false) << r.body;
  EXPECT_TRUE(health.contains("error") && health["error"].is_null()) << r.body;

  r = gateway.Post(kPerform, R"({"number":7907})", kJsonType);
  EXPECT_EQ(r.status, 503) << r.Describe();
  ExpectErrorBody(r);

  // The checks above must have run while the worker was still loading.
  EXPECT_LT(ElapsedMs(started), 3900) << "the machine is too slow for this test's timing";

  ASSERT_TRUE(gateway.WaitReady(10s)) << gateway.Output();
  EXPECT_GE(ElapsedMs(started), 1400);
  r = gateway.Post(kPerform, R"({"number":7907})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");
  r = gateway.Get("/health");
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Json()["status"], "pass") << r.body;
  // A failing probe is logged, a passing one is not (spec §15.4).
  EXPECT_TRUE(gateway.WaitForLog("INFO  GET /ready 500")) << gateway.Stdout();
  EXPECT_TRUE(gateway.WaitForLog("Server is ready")) << gateway.Stdout();
}

TEST(LifecycleTest, InitFailureMakesLiveFail) {
  GatewayProcess gateway(GatewayProcess::ForJob("failing_init_job"));
  std::string error;
  ASSERT_TRUE(gateway.Start(&error)) << error;
  ASSERT_TRUE(gateway.WaitForStatus("/live", 500, 10s)) << gateway.Output();

  HttpResponse r = gateway.Get("/live");
  ASSERT_EQ(r.status, 500) << r.Describe();
  nlohmann::json live = r.Json();
  EXPECT_EQ(live["live"], false) << r.body;
  EXPECT_TRUE(live.contains("deployment_timestamp")) << r.body;
  ASSERT_TRUE(live["error"].is_string()) << r.body;
  EXPECT_NE(live["error"].get<std::string>().find("model file is missing"), std::string::npos)
      << r.body;
  // Key order: live, deployment_timestamp, error.
  EXPECT_EQ(r.body.find(R"({"live":false,"deployment_timestamp":)"), 0u) << r.body;

  r = gateway.Get("/ready");
  EXPECT_EQ(r.status, 500) << r.Describe();
  EXPECT_EQ(r.body, R"({"ready":false})");

  r = gateway.Get("/health");
  EXPECT_EQ(r.status, 500) << r.Describe();
  nlohmann::json health = r.Json();
  EXPECT_EQ(health["status"], "fail") << r.body;
  EXPECT_EQ(health["live"], false) << r.body;
  ASSERT_TRUE(health["error"].is_string()) << r.body;
  EXPECT_NE(health["error"].get<std::string>().find("model file is missing"), std::string::npos);

  r = gateway.Post(kPerform, R"({"number":7907})", kJsonType);
  EXPECT_EQ(r.status, 503) << r.Describe();
  ExpectErrorBody(r);

  EXPECT_TRUE(gateway.WaitForLog("Initialization error: model file is missing"))
      << gateway.Stdout();
  // The gateway stays up and keeps answering.
  EXPECT_TRUE(gateway.process().running());
  EXPECT_EQ(gateway.Get("/live").status, 500);
  EXPECT_TRUE(gateway.process().running());
}

TEST(LifecycleTest, WorkerKilledMidRequestFailsTheCallFastAndRestarts) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job"));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value()) << gateway.Stdout();

  HttpClient client(gateway.port(), 10s);
  ASSERT_TRUE(client.Connect());
  const auto sent = Clock::now();
  ASSERT_TRUE(client.SendRaw(HttpClient::Format("POST", kPerform, R"({"ms":5000})", kJsonType)));
  // The access line is written when the call is handed to the forwarder.
  ASSERT_TRUE(gateway.WaitForLog("Request: POST /api/v1/perform")) << gateway.Stdout();
  ASSERT_EQ(kill(*worker, SIGKILL), 0);

  HttpResponse r = client.ReadResponse();
  const long took = ElapsedMs(sent);
  ASSERT_GE(r.status, 500) << r.Describe();
  ASSERT_LT(r.status, 600) << r.Describe();
  ExpectErrorBody(r);
  EXPECT_LT(took, 3000) << "the call should fail as soon as the worker dies, not after 5 s";

  ASSERT_TRUE(gateway.WaitReady(10s)) << gateway.Output();
  std::optional<pid_t> second = gateway.WorkerPid(1);
  ASSERT_TRUE(second.has_value()) << gateway.Stdout();
  EXPECT_NE(*second, *worker);
  r = gateway.Post(kPerform, R"({"ms":1})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"slept":1})");
  EXPECT_TRUE(gateway.WaitForLog("the worker was killed by signal 9")) << gateway.Stdout();
}

TEST(LifecycleTest, CrashingCallFailsAndTheWorkerRestarts) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job"));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;

  const auto sent = Clock::now();
  HttpResponse r = gateway.Post(kPerform, R"({"crash":true})", kJsonType, 10s);
  ASSERT_GE(r.status, 500) << r.Describe();
  ASSERT_LT(r.status, 600) << r.Describe();
  ExpectErrorBody(r);
  EXPECT_LT(ElapsedMs(sent), 3000);

  ASSERT_TRUE(gateway.WaitReady(10s)) << gateway.Output();
  r = gateway.Post(kPerform, R"({"ms":1})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, R"({"slept":1})");
}

TEST(LifecycleTest, SigtermLetsTheCallInFlightFinish) {
  GatewayProcess gateway(GatewayProcess::ForJob("sleepy_job"));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value()) << gateway.Stdout();

  HttpClient client(gateway.port(), 10s);
  ASSERT_TRUE(client.Connect());
  ASSERT_TRUE(client.SendRaw(HttpClient::Format("POST", kPerform, R"({"ms":1000})", kJsonType)));
  ASSERT_TRUE(gateway.WaitForLog("Request: POST /api/v1/perform")) << gateway.Stdout();
  ASSERT_TRUE(gateway.Terminate());

  HttpResponse r = client.ReadResponse();
  ASSERT_EQ(r.status, 200) << r.Describe() << "\n" << gateway.Output();
  EXPECT_EQ(r.body, R"({"slept":1000})");

  std::optional<ExitStatus> status = gateway.WaitExit(10s);
  ASSERT_TRUE(status.has_value()) << "the gateway did not exit\n" << gateway.Output();
  EXPECT_TRUE(status->exited && status->code == 0) << status->ToString() << "\n"
                                                   << gateway.Output();
  EXPECT_TRUE(WaitFor([&] { return ProcessGone(*worker); }, 5s)) << "the worker outlived it";
  EXPECT_NE(gateway.Stdout().find("received signal 15, shutting down..."), std::string::npos)
      << gateway.Stdout();
}

TEST(LifecycleTest, SigtermWhenIdleExitsQuickly) {
  GatewayProcess gateway(GatewayProcess::ForJob("prime_job"));
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value()) << gateway.Stdout();

  const auto signalled = Clock::now();
  ASSERT_TRUE(gateway.Terminate());
  std::optional<ExitStatus> status = gateway.WaitExit(5s);
  ASSERT_TRUE(status.has_value()) << "the gateway did not exit\n" << gateway.Output();
  EXPECT_TRUE(status->exited && status->code == 0) << status->ToString();
  EXPECT_LT(ElapsedMs(signalled), 2000);
  EXPECT_TRUE(WaitFor([&] { return ProcessGone(*worker); }, 5s)) << "the worker outlived it";
}

TEST(LifecycleTest, WorkerAddressMode) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const std::string address = "unix:" + tmp.path() + "/w.sock";
  auto start_worker = [&](ChildProcess* worker) {
    std::string error;
    EXPECT_TRUE(worker->Start({ExampleJob("prime_job")}, {{"RACETRACK_WORKER_ADDRESS", address}},
                              tmp.path() + "/worker.out", tmp.path() + "/worker.err", &error))
        << error;
  };
  auto first = std::make_unique<ChildProcess>();
  start_worker(first.get());

  GatewayOptions options;
  options.worker_address = address;
  GatewayProcess gateway(options);
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error;
  HttpResponse r = gateway.Post(kPerform, R"({"number":7907})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");

  first->KillGroup();  // SIGKILL and reap
  ASSERT_TRUE(gateway.WaitForStatus("/ready", 500, 5s)) << gateway.Output();
  r = gateway.Post(kPerform, R"({"number":7907})", kJsonType);
  EXPECT_GE(r.status, 500) << r.Describe();
  EXPECT_LT(r.status, 600) << r.Describe();
  ExpectErrorBody(r);
  EXPECT_TRUE(gateway.process().running());

  ChildProcess second;
  start_worker(&second);
  ASSERT_TRUE(gateway.WaitReady(15s)) << gateway.Output() << ReadFile(tmp.path() + "/worker.err");
  r = gateway.Post(kPerform, R"({"number":7908})", kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "false");
}

// ---- the command line ----

struct RunResult {
  std::optional<ExitStatus> status;
  std::string out;
  std::string err;
};

RunResult RunGateway(const std::vector<std::string>& args, Millis timeout = 5s) {
  TempDir tmp;
  std::vector<std::string> argv = {RT_GATEWAY_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess process;
  RunResult result;
  std::string error;
  if (!process.Start(argv, {{"TMPDIR", tmp.path()}}, tmp.path() + "/out", tmp.path() + "/err",
                     &error)) {
    ADD_FAILURE() << error;
    return result;
  }
  result.status = process.WaitExit(timeout);
  result.out = ReadFile(tmp.path() + "/out");
  result.err = ReadFile(tmp.path() + "/err");
  return result;
}

TEST(CliTest, HelpExitsZeroWithUsage) {
  RunResult r = RunGateway({"--help"});
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(r.status->exited && r.status->code == 0) << r.status->ToString();
  EXPECT_NE(r.out.find("usage: gateway"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--worker-address"), std::string::npos) << r.out;
}

TEST(CliTest, UnknownFlagExitsNonZeroWithAMessage) {
  RunResult r = RunGateway({"--bogus", "1", "--worker", ExampleJob("prime_job")});
  ASSERT_TRUE(r.status.has_value()) << "the gateway ran instead of refusing the flag";
  EXPECT_TRUE(r.status->exited && r.status->code != 0) << r.status->ToString();
  EXPECT_NE(r.err.find("unknown option '--bogus'"), std::string::npos) << r.err;
}

TEST(CliTest, InvalidValueExitsNonZero) {
  RunResult r = RunGateway({"--port", "notaport", "--worker", ExampleJob("prime_job")});
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(r.status->exited && r.status->code != 0) << r.status->ToString();
  EXPECT_NE(r.err.find("--port"), std::string::npos) << r.err;
}

TEST(CliTest, WorkerIsRequired) {
  RunResult r = RunGateway({"--port", "0"});
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(r.status->exited && r.status->code != 0) << r.status->ToString();
  EXPECT_NE(r.err.find("--worker"), std::string::npos) << r.err;
}

TEST(CliTest, PortInUseExitsNonZeroWithAClearMessage) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  RunResult r = RunGateway(
      {"--host", "127.0.0.1", "--port", std::to_string(port), "--worker", ExampleJob("prime_job")});
  close(fd);
  ASSERT_TRUE(r.status.has_value()) << "the gateway kept running on a port in use";
  EXPECT_TRUE(r.status->exited && r.status->code != 0) << r.status->ToString();
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("address already in use"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rt_it
