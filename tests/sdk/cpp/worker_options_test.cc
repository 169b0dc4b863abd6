// Worker options from the environment and the command line.
#include "racetrack/internal/worker_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

namespace racetrack::internal {
namespace {

ParseOutcome Parse(std::vector<std::string> args, WorkerOptions& options, std::string& error) {
  args.insert(args.begin(), "job");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return ParseArgs(static_cast<int>(argv.size()), argv.data(), options, error);
}

TEST(WorkerOptionsTest, AddressFlagForms) {
  WorkerOptions options;
  std::string error;
  EXPECT_EQ(Parse({"--address", "unix:/tmp/a.sock"}, options, error), ParseOutcome::kRun);
  EXPECT_EQ(options.address, "unix:/tmp/a.sock");
  EXPECT_EQ(Parse({"--address=127.0.0.1:9"}, options, error), ParseOutcome::kRun);
  EXPECT_EQ(options.address, "127.0.0.1:9");
}

TEST(WorkerOptionsTest, HelpAndErrors) {
  WorkerOptions options;
  std::string error;
  EXPECT_EQ(Parse({"--help"}, options, error), ParseOutcome::kHelp);
  EXPECT_EQ(Parse({"--address"}, options, error), ParseOutcome::kError);
  EXPECT_EQ(Parse({"--bogus"}, options, error), ParseOutcome::kError);
  EXPECT_NE(error.find("--bogus"), std::string::npos);
  EXPECT_NE(UsageText("job").find("--address"), std::string::npos);
}

TEST(WorkerOptionsTest, Environment) {
  setenv("RACETRACK_WORKER_ADDRESS", "unix:/tmp/env.sock", 1);
  setenv("RACETRACK_WORKER_THREADS", "3", 1);
  setenv("RACETRACK_MAX_MESSAGE_BYTES", "not a number", 1);
  const WorkerOptions options = OptionsFromEnvironment();
  unsetenv("RACETRACK_WORKER_ADDRESS");
  unsetenv("RACETRACK_WORKER_THREADS");
  unsetenv("RACETRACK_MAX_MESSAGE_BYTES");
  EXPECT_EQ(options.address, "unix:/tmp/env.sock");
  EXPECT_EQ(options.threads, 3u);
  EXPECT_EQ(options.max_message_bytes, kDefaultMaxMessageBytes);
  EXPECT_EQ(OptionsFromEnvironment().address, kDefaultAddress);
}

TEST(WorkerOptionsTest, EffectiveThreads) {
  EXPECT_EQ(EffectiveThreads(5), 5u);
  EXPECT_GE(EffectiveThreads(0), 2u);
}

TEST(WorkerOptionsTest, SocketModeDrainAndGroupFromTheEnvironment) {
  WorkerOptions defaults = OptionsFromEnvironment();
  EXPECT_EQ(defaults.socket_mode, 0660u);
  EXPECT_EQ(defaults.socket_group, "");
  EXPECT_EQ(defaults.drain_timeout, std::chrono::milliseconds(30000));

  setenv("RACETRACK_WORKER_SOCKET_MODE", "0666", 1);
  setenv("RACETRACK_WORKER_SOCKET_GROUP", "100000", 1);
  setenv("RACETRACK_WORKER_DRAIN_TIMEOUT_MS", "25000", 1);
  const WorkerOptions options = OptionsFromEnvironment();
  setenv("RACETRACK_WORKER_SOCKET_MODE", "0999", 1);
  setenv("RACETRACK_WORKER_DRAIN_TIMEOUT_MS", "soon", 1);
  const WorkerOptions malformed = OptionsFromEnvironment();
  unsetenv("RACETRACK_WORKER_SOCKET_MODE");
  unsetenv("RACETRACK_WORKER_SOCKET_GROUP");
  unsetenv("RACETRACK_WORKER_DRAIN_TIMEOUT_MS");
  EXPECT_EQ(options.socket_mode, 0666u);
  EXPECT_EQ(options.socket_group, "100000");
  EXPECT_EQ(options.drain_timeout, std::chrono::milliseconds(25000));
  EXPECT_EQ(malformed.socket_mode, kDefaultSocketMode);
  EXPECT_EQ(malformed.drain_timeout, kDefaultDrainTimeout);
  EXPECT_NE(UsageText("job").find("RACETRACK_WORKER_SOCKET_MODE"), std::string::npos);
}

TEST(WorkerOptionsTest, SocketModeForms) {
  mode_t mode = 0;
  EXPECT_TRUE(ParseSocketMode("660", mode));
  EXPECT_EQ(mode, 0660u);
  EXPECT_TRUE(ParseSocketMode("0600", mode));
  EXPECT_EQ(mode, 0600u);
  EXPECT_TRUE(ParseSocketMode("0o777", mode));
  EXPECT_EQ(mode, 0777u);
  EXPECT_FALSE(ParseSocketMode("1777", mode));  // no sticky or set-id bits on a socket
  EXPECT_FALSE(ParseSocketMode("rw-rw----", mode));
  EXPECT_FALSE(ParseSocketMode("", mode));
  EXPECT_FALSE(ParseSocketMode(nullptr, mode));
}

TEST(WorkerOptionsTest, UnixSocketPathOfAnAddress) {
  EXPECT_EQ(UnixSocketPath("unix:/run/job/worker.sock"), "/run/job/worker.sock");
  EXPECT_EQ(UnixSocketPath("unix:///run/job/worker.sock"), "/run/job/worker.sock");
  EXPECT_EQ(UnixSocketPath("unix:worker.sock"), "worker.sock");
  EXPECT_EQ(UnixSocketPath("unix-abstract:racetrack-gateway-1"), "");
  EXPECT_EQ(UnixSocketPath("127.0.0.1:7001"), "");
}

TEST(WorkerOptionsTest, DispatchNamesRoundTrip) {
  for (const Dispatch dispatch : {Dispatch::kPool, Dispatch::kInline, Dispatch::kAdaptive}) {
    Dispatch parsed = dispatch == Dispatch::kPool ? Dispatch::kInline : Dispatch::kPool;
    ASSERT_TRUE(ParseDispatch(DispatchName(dispatch), parsed)) << DispatchName(dispatch);
    EXPECT_EQ(parsed, dispatch);
  }
  Dispatch unchanged = Dispatch::kAdaptive;
  EXPECT_FALSE(ParseDispatch("threads", unchanged));
  EXPECT_FALSE(ParseDispatch("", unchanged));
  EXPECT_EQ(unchanged, Dispatch::kAdaptive);
}

}  // namespace
}  // namespace racetrack::internal
