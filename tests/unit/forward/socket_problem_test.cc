// UnixSocketProblem: what the gateway says about a worker socket it cannot use.
#include "forward/socket_problem.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace gw::forward {
namespace {

class SocketProblemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/rt_socket_check_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (fd_ >= 0) close(fd_);
    std::filesystem::remove_all(dir_);
  }
  // A bound unix socket at `path`; listening when `listen_too`.
  void Bind(const std::string& path, bool listen_too) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    if (listen_too) {
      ASSERT_EQ(listen(fd_, 4), 0);
    }
  }

  std::string dir_;
  int fd_ = -1;
};

TEST_F(SocketProblemTest, OnlyUnixAddressesAreLookedAt) {
  EXPECT_EQ(UnixSocketProblem("127.0.0.1:1"), "");
  EXPECT_EQ(UnixSocketProblem("unix-abstract:racetrack-x"), "");
}

TEST_F(SocketProblemTest, NoSocketYetIsNoProblem) {
  EXPECT_EQ(UnixSocketProblem("unix:" + dir_ + "/worker.sock"), "");
}

TEST_F(SocketProblemTest, ListeningSocketIsNoProblem) {
  Bind(dir_ + "/worker.sock", true);
  EXPECT_EQ(UnixSocketProblem("unix:" + dir_ + "/worker.sock"), "");
}

TEST_F(SocketProblemTest, SocketNobodyListensOnIsNamedWithItsModeAndOwner) {
  Bind(dir_ + "/worker.sock", false);
  const std::string problem = UnixSocketProblem("unix:" + dir_ + "/worker.sock");
  EXPECT_NE(problem.find("cannot connect to the worker socket " + dir_ + "/worker.sock"),
            std::string::npos)
      << problem;
  EXPECT_NE(problem.find("mode "), std::string::npos) << problem;
  EXPECT_NE(problem.find("the gateway: uid " + std::to_string(geteuid())), std::string::npos)
      << problem;
}

TEST_F(SocketProblemTest, RegularFileIsNotASocket) {
  std::ofstream(dir_ + "/worker.sock") << "x";
  const std::string problem = UnixSocketProblem("unix:" + dir_ + "/worker.sock");
  EXPECT_NE(problem.find("is not a socket"), std::string::npos) << problem;
}

}  // namespace
}  // namespace gw::forward
