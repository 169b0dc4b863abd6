// Container duties of the gateway process (supervise/reaper.h, supervise/supervisor.cc): it
// reaps the orphans a job leaves behind without stealing its worker's exit status, and it still
// runs its worker when TMPDIR is not writable (a read-only root filesystem).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gateway_process.h"

namespace rt_it {
namespace {

struct Child {
  pid_t pid;
  std::string comm;
  char state;  // 'Z': a zombie nobody has reaped
};

// The children of `parent`, from /proc/<pid>/stat ("pid (comm) state ppid ...").
std::vector<Child> ChildrenOf(pid_t parent) {
  std::vector<Child> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t open = stat.find('(');
    const size_t close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) {
      children.push_back(
          {static_cast<pid_t>(std::stoi(name)), stat.substr(open + 1, close - open - 1), state});
    }
  }
  return children;
}

std::string Describe(const std::vector<Child>& children) {
  std::string out;
  for (const auto& c : children) {
    out += std::to_string(c.pid) + " " + c.comm + " " + c.state + "\n";
  }
  return out;
}

int CountComm(const std::vector<Child>& children, std::string_view comm) {
  int n = 0;
  for (const auto& c : children) n += c.comm == comm;
  return n;
}

TEST(ReaperTest, OrphansOfTheJobAreReapedAndTheWorkerStillRestarts) {
  // The worker's shell leaves two background sleeps behind whose parents exit at once: the
  // kernel hands them to the gateway (a child subreaper), which must reap them when they end.
  GatewayOptions options;
  options.worker_command = {"/bin/sh", "-c", "(sleep 2 &); (sleep 2 &); exec \"$0\"",
                            ExampleJob("prime_job")};
  GatewayProcess gateway(options);
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error << gateway.Output();
  std::optional<pid_t> worker = gateway.WorkerPid(0);
  ASSERT_TRUE(worker.has_value()) << gateway.Stdout();

  // They became the gateway's children (the test would prove nothing otherwise)...
  std::vector<Child> children;
  ASSERT_TRUE(WaitFor(
      [&] {
        children = ChildrenOf(gateway.pid());
        return CountComm(children, "sleep") == 2;
      },
      5s))
      << Describe(children);
  // ...and once they end, neither they nor their zombies remain.
  ASSERT_TRUE(WaitFor(
      [&] {
        children = ChildrenOf(gateway.pid());
        for (const auto& c : children) {
          if (c.pid != *worker) return false;
        }
        return true;
      },
      8s))
      << "the gateway's children besides the worker:\n"
      << Describe(children);

  // The worker's own exit status still reaches the supervisor: it is restarted.
  ASSERT_EQ(kill(*worker, SIGKILL), 0);
  EXPECT_TRUE(gateway.WaitForLog("the worker was killed by signal 9", 5s)) << gateway.Stdout();
  ASSERT_TRUE(gateway.WaitReady(10s)) << gateway.Output();
  EXPECT_EQ(
      gateway.Post("/api/v1/perform", R"({"number":7})", {{"Content-Type", "application/json"}})
          .status,
      200);
}

TEST(ReaperTest, NoWritableTmpdirMeansAnAbstractSocket) {
  // mkdtemp under a TMPDIR that does not exist fails as on a read-only root filesystem.
  GatewayOptions options = GatewayProcess::ForJob("prime_job");
  options.env.push_back({"TMPDIR", "/nonexistent/racetrack-read-only"});
  GatewayProcess gateway(options);
  std::string error;
  ASSERT_TRUE(gateway.StartAndWaitReady(10s, &error)) << error << gateway.Output();
  EXPECT_TRUE(gateway.WaitForLog("unix-abstract:racetrack-gateway-")) << gateway.Stdout();
  HttpResponse r =
      gateway.Post("/api/v1/perform", R"({"number":7907})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");
}

}  // namespace
}  // namespace rt_it
