// Unit tests of the command line: help and version, the two ways to name the worker, limits and
// the usage errors. The parser only fills a Config, so every case is a plain function call.
#include "config/cli.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

namespace gw::config {
namespace {

struct Parsed {
  CliOutcome outcome;
  Config config;
  std::string message;
};

Parsed Parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"gateway"};
  argv.insert(argv.end(), args.begin(), args.end());
  Parsed parsed{CliOutcome::kRun, Config{}, ""};
  parsed.outcome =
      ParseCommandLine(static_cast<int>(argv.size()), argv.data(), &parsed.config, &parsed.message);
  return parsed;
}

class ConfigCliTest : public ::testing::Test {
 protected:
  // LOG_LEVEL, RACETRACK_WORKERS and RACETRACK_SCHED_POLICY seed settings; keep the tests
  // independent of the caller's environment.
  void SetUp() override { TearDown(); }
  void TearDown() override {
    unsetenv("LOG_LEVEL");
    unsetenv("RACETRACK_WORKERS");
    unsetenv("RACETRACK_SCHED_POLICY");
  }
};

void ExpectUsageError(const Parsed& parsed, const std::string& fragment) {
  EXPECT_EQ(parsed.outcome, CliOutcome::kExitUsageError);
  EXPECT_NE(parsed.message.find(fragment), std::string::npos) << parsed.message;
  EXPECT_NE(parsed.message.find("--help"), std::string::npos) << parsed.message;
}

TEST_F(ConfigCliTest, Help) {
  for (const char* flag : {"--help", "-h"}) {
    Parsed parsed = Parse({flag});
    EXPECT_EQ(parsed.outcome, CliOutcome::kExitSuccess);
    EXPECT_EQ(parsed.message, Usage());
  }
  EXPECT_NE(Usage().find("usage: gateway"), std::string::npos);
  EXPECT_NE(Usage().find("--worker CMD [ARGS...]"), std::string::npos);
  EXPECT_NE(Usage().find("--worker-address ADDR"), std::string::npos);
}

TEST_F(ConfigCliTest, HelpWinsOverOtherArguments) {
  Parsed parsed = Parse({"--port", "1", "--help", "--bogus"});
  EXPECT_EQ(parsed.outcome, CliOutcome::kExitSuccess);
  EXPECT_EQ(parsed.message, Usage());
}

TEST_F(ConfigCliTest, Version) {
  Parsed parsed = Parse({"--version"});
  EXPECT_EQ(parsed.outcome, CliOutcome::kExitSuccess);
  EXPECT_EQ(parsed.message.rfind("gateway ", 0), 0u) << parsed.message;
}

TEST_F(ConfigCliTest, Defaults) {
  Parsed parsed = Parse({"--worker-address", "unix:/tmp/w.sock"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  const Config& c = parsed.config;
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, kDefaultPort);
  EXPECT_EQ(c.worker_addresses, std::vector<std::string>{"unix:/tmp/w.sock"});
  EXPECT_TRUE(c.worker_command.empty());
  EXPECT_EQ(c.limits.max_body_bytes, http::kDefaultMaxBodyBytes);
  EXPECT_EQ(c.limits.max_header_bytes, http::kDefaultMaxHeaderBytes);
  EXPECT_EQ(c.limits.max_url_bytes, http::kDefaultMaxUrlBytes);
  EXPECT_EQ(c.limits.header_timeout_ms, http::kDefaultHeaderTimeoutMs);
  EXPECT_EQ(c.limits.keep_alive_timeout_ms, http::kDefaultKeepAliveTimeoutMs);
  EXPECT_EQ(c.limits.body_timeout_ms, http::kDefaultBodyTimeoutMs);
  EXPECT_EQ(c.limits.max_connections, http::kDefaultMaxConnections);
  EXPECT_EQ(c.limits.max_forward_bytes,
            http::kDefaultMaxMessageBytes - http::kMessageEnvelopeHeadroomBytes);
  EXPECT_EQ(c.drain_timeout_ms, kDefaultDrainTimeoutMs);
  EXPECT_EQ(c.call_timeout_ms, 0u);
  EXPECT_EQ(c.max_message_bytes, kDefaultMaxMessageBytes);
  EXPECT_EQ(c.log_level, log::Level::kDebug);
  EXPECT_TRUE(c.metrics_enabled);
}

TEST_F(ConfigCliTest, NoMetrics) {
  Parsed parsed = Parse({"--no-metrics", "--worker-address", "unix:/tmp/w.sock"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  EXPECT_FALSE(parsed.config.metrics_enabled);
}

TEST_F(ConfigCliTest, WorkerTakesEverythingAfterIt) {
  Parsed parsed =
      Parse({"--port", "8080", "--worker", "python3", "-m", "worker", "--port", "9", "--help"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  EXPECT_EQ(parsed.config.port, 8080);
  EXPECT_EQ(parsed.config.worker_command,
            (std::vector<std::string>{"python3", "-m", "worker", "--port", "9", "--help"}));
  EXPECT_TRUE(parsed.config.worker_addresses.empty());
}

TEST_F(ConfigCliTest, WorkerWithoutCommand) {
  ExpectUsageError(Parse({"--worker"}), "--worker needs a command");
}

TEST_F(ConfigCliTest, WorkerAddress) {
  Parsed parsed = Parse({"--worker-address", "127.0.0.1:7001", "--host", "127.0.0.1"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  EXPECT_EQ(parsed.config.worker_addresses, std::vector<std::string>{"127.0.0.1:7001"});
  EXPECT_EQ(parsed.config.host, "127.0.0.1");
}

TEST_F(ConfigCliTest, SeveralWorkers) {
  Parsed parsed = Parse({"--workers", "3", "--worker", "job"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  EXPECT_EQ(parsed.config.workers, 3u);
  parsed = Parse({"--worker-address", "a:1", "--worker-address", "b:2"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  EXPECT_EQ(parsed.config.workers, 2u);
  EXPECT_EQ(parsed.config.worker_addresses, (std::vector<std::string>{"a:1", "b:2"}));
  ExpectUsageError(Parse({"--workers", "3", "--worker-address", "a:1"}), "one address per worker");
  ExpectUsageError(Parse({"--workers", "0", "--worker", "job"}), "invalid value '0'");
  ExpectUsageError(Parse({"--workers", "65", "--worker", "job"}), "invalid value '65'");
}

TEST_F(ConfigCliTest, WorkersFromTheEnvironment) {
  setenv("RACETRACK_WORKERS", "2", 1);
  Parsed parsed = Parse({"--worker", "job"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  EXPECT_EQ(parsed.config.workers, 2u);
  EXPECT_EQ(Parse({"--workers", "4", "--worker", "job"}).config.workers, 4u);  // the flag wins
}

TEST_F(ConfigCliTest, SchedPolicyIsBatchUnlessToldNormal) {
  using racetrack_common::SchedPolicy;
  EXPECT_EQ(Parse({"--worker", "job"}).config.sched_policy, SchedPolicy::kBatch);
  EXPECT_EQ(Parse({"--sched-policy", "normal", "--worker", "job"}).config.sched_policy,
            SchedPolicy::kNormal);
  ExpectUsageError(Parse({"--sched-policy", "fifo", "--worker", "job"}),
                   "invalid value 'fifo' for --sched-policy");

  setenv("RACETRACK_SCHED_POLICY", "normal", 1);
  EXPECT_EQ(Parse({"--worker", "job"}).config.sched_policy, SchedPolicy::kNormal);
  EXPECT_EQ(Parse({"--sched-policy", "batch", "--worker", "job"}).config.sched_policy,
            SchedPolicy::kBatch);  // the flag wins
  setenv("RACETRACK_SCHED_POLICY", "idle", 1);
  ExpectUsageError(Parse({"--worker", "job"}),
                   "invalid value 'idle' for RACETRACK_SCHED_POLICY (batch or normal)");
}

TEST_F(ConfigCliTest, BothWorkerFormsAreAnError) {
  ExpectUsageError(Parse({"--worker-address", "a:1", "--worker", "cmd"}), "exactly one");
}

TEST_F(ConfigCliTest, NeitherWorkerFormIsAnError) {
  ExpectUsageError(Parse({}), "exactly one");
  ExpectUsageError(Parse({"--port", "1"}), "exactly one");
}

TEST_F(ConfigCliTest, Port) {
  EXPECT_EQ(Parse({"--port", "0", "--worker", "w"}).config.port, 0);
  EXPECT_EQ(Parse({"--port", "65535", "--worker", "w"}).config.port, 65535);
  for (const char* bad : {"65536", "-1", "http", "80x", "", " 80"}) {
    ExpectUsageError(Parse({"--port", bad, "--worker", "w"}), "for --port");
  }
}

TEST_F(ConfigCliTest, OptionWithoutValue) {
  ExpectUsageError(Parse({"--worker-address", "a:1", "--port"}), "--port needs a value");
}

TEST_F(ConfigCliTest, UnknownOption) {
  ExpectUsageError(Parse({"--bogus", "1", "--worker", "w"}), "unknown option '--bogus'");
}

TEST_F(ConfigCliTest, PositionalArgument) {
  ExpectUsageError(Parse({"serve", "--worker", "w"}), "unexpected argument 'serve'");
}

TEST_F(ConfigCliTest, LimitsAndTimeouts) {
  Parsed parsed = Parse({"--max-body-bytes",
                         "1000",
                         "--max-header-bytes",
                         "2048",
                         "--max-url-bytes",
                         "100",
                         "--header-timeout-ms",
                         "250",
                         "--keep-alive-timeout-ms",
                         "500",
                         "--body-timeout-ms",
                         "750",
                         "--max-connections",
                         "3",
                         "--call-timeout-ms",
                         "7000",
                         "--drain-timeout-ms",
                         "0",
                         "--max-message-bytes",
                         "4096",
                         "--log-level",
                         "warning",
                         "--worker-address",
                         "a:1"});
  ASSERT_EQ(parsed.outcome, CliOutcome::kRun) << parsed.message;
  const Config& c = parsed.config;
  EXPECT_EQ(c.limits.max_body_bytes, 1000u);
  EXPECT_EQ(c.limits.max_header_bytes, 2048u);
  EXPECT_EQ(c.limits.max_url_bytes, 100u);
  EXPECT_EQ(c.limits.header_timeout_ms, 250u);
  EXPECT_EQ(c.limits.keep_alive_timeout_ms, 500u);
  EXPECT_EQ(c.limits.body_timeout_ms, 750u);
  EXPECT_EQ(c.limits.max_connections, 3u);
  EXPECT_EQ(c.limits.max_forward_bytes, 4096u - 1024u);  // a quarter kept for small messages
  EXPECT_EQ(c.call_timeout_ms, 7000u);
  EXPECT_EQ(c.drain_timeout_ms, 0u);
  EXPECT_EQ(c.max_message_bytes, 4096);
  EXPECT_EQ(c.log_level, log::Level::kWarn);
}

TEST_F(ConfigCliTest, LimitsOutOfRange) {
  const struct {
    const char* flag;
    const char* value;
  } cases[] = {
      {"--max-body-bytes", "0"},
      {"--max-body-bytes", "-5"},
      {"--max-header-bytes", "255"},
      {"--max-url-bytes", "15"},
      {"--header-timeout-ms", "0"},
      {"--keep-alive-timeout-ms", "0"},
      {"--body-timeout-ms", "0"},
      {"--max-connections", "0"},
      {"--call-timeout-ms", "4294967296"},
      {"--max-message-bytes", "1023"},
      {"--max-message-bytes", "2147483648"},
      {"--log-level", "loud"},
  };
  for (const auto& c : cases) {
    ExpectUsageError(Parse({c.flag, c.value, "--worker", "w"}), std::string("for ") + c.flag);
  }
}

TEST_F(ConfigCliTest, LogLevelFromEnvironmentAndFlag) {
  setenv("LOG_LEVEL", "error", 1);
  EXPECT_EQ(Parse({"--worker", "w"}).config.log_level, log::Level::kError);
  EXPECT_EQ(Parse({"--log-level", "info", "--worker", "w"}).config.log_level, log::Level::kInfo);
}

TEST_F(ConfigCliTest, ManifestPathAndStructuredLogs) {
  unsetenv("LOG_STRUCTURED");
  Parsed parsed = Parse({"--manifest-path", "job.yaml", "--worker", "w"});
  EXPECT_EQ(parsed.config.manifest_path, "job.yaml");
  EXPECT_FALSE(parsed.config.log_structured);
  setenv("LOG_STRUCTURED", "Yes", 1);
  EXPECT_TRUE(Parse({"--worker", "w"}).config.log_structured);
  unsetenv("LOG_STRUCTURED");
}

}  // namespace
}  // namespace gw::config
