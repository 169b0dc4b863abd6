// Loop-level tests of the Supervisor with real child processes (small /bin/sh scripts): the
// worker's environment, restarts with backoff, and Stop (SIGTERM, then SIGKILL after the grace
// period for a worker that ignores TERM). Every test ends with Loop::Close() == 0. The children
// report through files in a private directory, which the loop checks while it runs.
#include "supervise/supervisor.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../loop/run_until.h"
#include "loop/loop.h"

namespace gw::supervise {
namespace {

namespace fs = std::filesystem;

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/rt-supervisor-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    if (supervisor_ && !stopped_) StopAndRunOut();
    supervisor_.reset();
    EXPECT_EQ(loop_.Close(), 0) << "a handle was left open";
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // A supervisor of `/bin/sh -c script`; $DIR in the script is the test's private directory.
  void Make(const std::string& script) {
    std::vector<std::string> command = {"/bin/sh", "-c", "DIR='" + dir_ + "'; " + script};
    Supervisor::Callbacks callbacks;
    callbacks.on_exit = [this](const std::string& reason) {
      exits_.push_back(reason);
      exit_times_.push_back(uv_now(loop_.uv()));
    };
    supervisor_ = std::make_unique<Supervisor>(loop_.uv(), command, callbacks);
    std::string error;
    ASSERT_TRUE(supervisor_->Prepare(&error)) << error;
  }

  void StopAndRunOut() {
    supervisor_->Stop([this] { stopped_ = true; });
    EXPECT_TRUE(test_support::RunOut(loop_, std::chrono::milliseconds(kStopGraceMs + 10'000)));
    EXPECT_TRUE(stopped_) << "Stop's done did not run";
  }

  bool Until(const std::function<bool()>& condition) {
    return test_support::RunUntil(loop_, condition);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  bool Exists(const std::string& name) const { return fs::exists(Path(name)); }
  std::vector<std::string> Lines(const std::string& name) const {
    std::ifstream in(Path(name));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  Loop loop_;
  std::string dir_;
  std::unique_ptr<Supervisor> supervisor_;
  bool stopped_ = false;
  std::vector<std::string> exits_;
  std::vector<uint64_t> exit_times_;
};

TEST_F(SupervisorTest, TheWorkerGetsItsAddressTheGatewayPidAndTheExtraEnvironment) {
  ::setenv(kWorkerAddressEnv, "unix:/stale/inherited.sock", 1);
  ::setenv("RT_SUPERVISOR_TEST_OVERRIDDEN", "inherited", 1);
  ::setenv("RT_SUPERVISOR_TEST_KEPT", "kept", 1);
  Make(R"(printf '%s\n%s\n%s\n%s\n%s\n' "$RACETRACK_WORKER_ADDRESS" "$RACETRACK_GATEWAY_PID" )"
       R"("$RT_SUPERVISOR_TEST_EXTRA" "$RT_SUPERVISOR_TEST_OVERRIDDEN" "$RT_SUPERVISOR_TEST_KEPT" )"
       R"(> "$DIR/env.tmp" && mv "$DIR/env.tmp" "$DIR/env"; exec sleep 60)");
  supervisor_->SetExtraEnvironment(
      {"RT_SUPERVISOR_TEST_EXTRA=extra value", "RT_SUPERVISOR_TEST_OVERRIDDEN=from the gateway"});
  ASSERT_EQ(supervisor_->Start(), 0);
  ::unsetenv(kWorkerAddressEnv);
  ::unsetenv("RT_SUPERVISOR_TEST_OVERRIDDEN");
  ::unsetenv("RT_SUPERVISOR_TEST_KEPT");
  EXPECT_TRUE(supervisor_->running());

  ASSERT_TRUE(Until([&] { return Exists("env"); }));
  std::vector<std::string> env = Lines("env");
  ASSERT_EQ(env.size(), 5u);
  EXPECT_EQ(env[0], supervisor_->address());
  EXPECT_EQ(env[0].rfind("unix:", 0), 0u) << env[0];
  EXPECT_EQ(env[1], std::to_string(::getpid()));
  EXPECT_EQ(env[2], "extra value");
  EXPECT_EQ(env[3], "from the gateway");
  EXPECT_EQ(env[4], "kept");
  // The socket lives in a private directory that Stop removes.
  fs::path socket_dir = fs::path(supervisor_->address().substr(5)).parent_path();
  EXPECT_TRUE(fs::is_directory(socket_dir));

  uint64_t stop_started = uv_now(loop_.uv());
  StopAndRunOut();
  EXPECT_LT(uv_now(loop_.uv()) - stop_started, kStopGraceMs) << "TERM was enough";
  EXPECT_FALSE(supervisor_->running());
  EXPECT_FALSE(fs::exists(socket_dir));
  EXPECT_TRUE(exits_.empty()) << "a stop is not reported as an exit";
  EXPECT_EQ(supervisor_->restarts(), 0u);
}

TEST_F(SupervisorTest, AnExitedWorkerIsRestartedWithGrowingBackoff) {
  Make(R"(echo start >> "$DIR/starts"; exit 3)");
  ASSERT_EQ(supervisor_->Start(), 0);
  ASSERT_TRUE(Until([&] { return supervisor_->restarts() >= 2 && exits_.size() >= 3; }));
  EXPECT_GE(Lines("starts").size(), 3u);
  EXPECT_EQ(exits_[0], "the worker exited with code 3");
  // Restarts wait kInitialBackoffMs, then twice that.
  ASSERT_GE(exit_times_.size(), 3u);
  EXPECT_GE(exit_times_[1] - exit_times_[0], kInitialBackoffMs);
  EXPECT_GE(exit_times_[2] - exit_times_[1], 2 * kInitialBackoffMs);
  // Stop while a restart is pending: no new worker, done runs.
  StopAndRunOut();
  uint64_t restarts = supervisor_->restarts();
  EXPECT_FALSE(supervisor_->running());
  EXPECT_EQ(supervisor_->restarts(), restarts);
}

TEST_F(SupervisorTest, AWorkerKilledByASignalIsRestartedAndReportedSo) {
  Make(R"(echo $$ >> "$DIR/pids"; exec sleep 60)");
  ASSERT_EQ(supervisor_->Start(), 0);
  ASSERT_TRUE(Until([&] { return Lines("pids").size() == 1; }));
  pid_t first = std::stoi(Lines("pids")[0]);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(Until([&] { return Lines("pids").size() == 2; }));
  ASSERT_EQ(exits_.size(), 1u);
  EXPECT_EQ(exits_[0], "the worker was killed by signal " + std::to_string(SIGKILL));
  EXPECT_EQ(supervisor_->restarts(), 1u);
  EXPECT_TRUE(supervisor_->running());
  StopAndRunOut();
}

TEST_F(SupervisorTest, StopKillsAWorkerThatIgnoresTermAfterTheGracePeriod) {
  // The worker ignores TERM (inherited by sleep across exec) and says so once it does.
  Make(R"(trap '' TERM; echo $$ > "$DIR/pid.tmp" && mv "$DIR/pid.tmp" "$DIR/pid"; exec sleep 60)");
  ASSERT_EQ(supervisor_->Start(), 0);
  ASSERT_TRUE(Until([&] { return Exists("pid"); }));
  pid_t pid = std::stoi(Lines("pid")[0]);

  uv_update_time(loop_.uv());
  uint64_t stop_started = uv_now(loop_.uv());
  StopAndRunOut();
  uint64_t took = uv_now(loop_.uv()) - stop_started;
  EXPECT_GE(took, kStopGraceMs) << "SIGKILL came before the grace period was over";
  EXPECT_LT(took, kStopGraceMs + 5'000);
  EXPECT_FALSE(supervisor_->running());
  EXPECT_EQ(::kill(pid, 0), -1) << "the worker is still there";
  EXPECT_EQ(errno, ESRCH);
  EXPECT_TRUE(exits_.empty());
}

TEST_F(SupervisorTest, ACommandThatCannotRunIsAnErrorAndStopStillFinishes) {
  std::vector<std::string> command = {"/nonexistent/racetrack-worker"};
  supervisor_ = std::make_unique<Supervisor>(loop_.uv(), command, Supervisor::Callbacks{});
  std::string error;
  ASSERT_TRUE(supervisor_->Prepare(&error)) << error;
  EXPECT_NE(supervisor_->Start(), 0);
  EXPECT_FALSE(supervisor_->running());
  StopAndRunOut();
}

TEST_F(SupervisorTest, StopOfASupervisorThatNeverStartedFinishes) {
  Make("exit 0");
  StopAndRunOut();
}

}  // namespace
}  // namespace gw::supervise
