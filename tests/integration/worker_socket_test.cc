// A gateway whose worker socket it may not use (another uid, mode 0600) says so in its log
// (forward/socket_problem.h, reported by the readiness watcher) instead of waiting in silence,
// shows it in /health, and is not ready.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gateway_process.h"

namespace rt_it {
namespace {

TEST(WorkerSocketTest, SocketOfAnotherUidWithoutGroupAccessIsAClearError) {
  if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0) {
    GTEST_SKIP() << "needs root and setpriv to run the gateway under another uid";
  }
  TempDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);  // the other uid may reach the socket file
  const std::string address = "unix:" + dir.path() + "/worker.sock";
  ChildProcess worker;
  std::string error;
  ASSERT_TRUE(worker.Start(
      {ExampleJob("prime_job")},
      {{"RACETRACK_WORKER_ADDRESS", address}, {"RACETRACK_WORKER_SOCKET_MODE", "0600"}},
      dir.path() + "/worker.out", dir.path() + "/worker.err", &error))
      << error;
  ASSERT_TRUE(
      WaitFor([&] { return access((dir.path() + "/worker.sock").c_str(), F_OK) == 0; }, 10s))
      << ReadFile(dir.path() + "/worker.out") << ReadFile(dir.path() + "/worker.err");

  const int port = FreePort();
  ChildProcess gateway;
  ASSERT_TRUE(
      gateway.Start({"/usr/bin/setpriv", "--reuid=100000", "--regid=100000", "--clear-groups",
                     RT_GATEWAY_BIN, "--host", "127.0.0.1", "--port", std::to_string(port),
                     "--log-level", "info", "--worker-address", address},
                    {}, dir.path() + "/gateway.out", dir.path() + "/gateway.err", &error))
      << error;
  const std::string out = dir.path() + "/gateway.out";
  EXPECT_TRUE(WaitFor(
      [&] {
        return ReadFile(out).find("cannot connect to the worker socket " + dir.path() +
                                  "/worker.sock: Permission denied") != std::string::npos;
      },
      10s, 50ms))
      << ReadFile(out) << ReadFile(dir.path() + "/gateway.err");
  EXPECT_NE(ReadFile(out).find("RACETRACK_WORKER_SOCKET_MODE"), std::string::npos) << ReadFile(out);
  EXPECT_EQ(Fetch(port, "GET", "/ready").status, 500);
  HttpResponse health = Fetch(port, "GET", "/health");
  EXPECT_NE(health.Json().value("error", "").find("Permission denied"), std::string::npos)
      << health.Describe();
}

}  // namespace
}  // namespace rt_it
