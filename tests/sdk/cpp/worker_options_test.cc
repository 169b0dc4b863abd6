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

}  // namespace
}  // namespace racetrack::internal
