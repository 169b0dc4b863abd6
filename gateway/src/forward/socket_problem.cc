#include "forward/socket_problem.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace gw::forward {
namespace {

std::string UnixPath(const std::string& address) {
  if (address.rfind("unix:", 0) != 0) return {};
  std::string path = address.substr(5);
  if (path.rfind("//", 0) == 0) path.erase(0, 2);
  return path;
}

std::string Octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

}  // namespace

std::string UnixSocketProblem(const std::string& address) {
  const std::string path = UnixPath(address);
  if (path.empty()) return {};
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};  // not created yet: the worker is starting
    return "cannot reach the worker socket " + path + ": " + std::strerror(errno);
  }
  const std::string owner = " (the socket: mode " + Octal(st.st_mode) + ", uid " +
                            std::to_string(st.st_uid) + ", gid " + std::to_string(st.st_gid) +
                            "; the gateway: uid " + std::to_string(geteuid()) + ", gid " +
                            std::to_string(getegid()) + ")";
  if (!S_ISSOCK(st.st_mode)) return "the worker address " + path + " is not a socket" + owner;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return "the worker socket path is too long: " + path;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  const int rc = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int error = errno;
  close(fd);
  if (rc == 0) return {};
  std::string problem =
      "cannot connect to the worker socket " + path + ": " + std::strerror(error) + owner;
  if (error == EACCES || error == EPERM) {
    problem +=
        "; connecting needs write permission on the socket: give the worker "
        "RACETRACK_WORKER_SOCKET_MODE (e.g. 0660) and RACETRACK_WORKER_SOCKET_GROUP (a group of "
        "the gateway), or run both as one uid";
  }
  return problem;
}

}  // namespace gw::forward
