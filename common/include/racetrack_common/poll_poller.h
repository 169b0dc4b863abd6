// PollPollerWhileStarting: GRPC_POLL_STRATEGY=poll while it lives, unless the environment names a
// poller already; gRPC reads the variable once, when it starts in the process, so the gateway and
// the worker start gRPC inside its scope. The variable is removed again on leaving it, so that the
// processes they start (the gateway's workers, a job's own) do not inherit it.
//
// Why poll(): gateway and worker talk over a unix socket, and gRPC's default epoll poller waits
// for every socket's writability as well as its readability. The kernel wakes a unix socket's
// writability waiters each time the peer reads from it, so every message one side read woke the
// other once more, for nothing. poll() asks for writability only while a write waits for room.
// Header-only; it includes nothing of gRPC.
#pragma once

#include <cstdlib>

namespace racetrack_common {

class PollPollerWhileStarting {
 public:
  explicit PollPollerWhileStarting(bool wanted = true)
      : set_(wanted && std::getenv(kVariable) == nullptr) {
    if (set_) setenv(kVariable, "poll", /*overwrite=*/0);
  }
  ~PollPollerWhileStarting() {
    if (set_) unsetenv(kVariable);
  }
  PollPollerWhileStarting(const PollPollerWhileStarting&) = delete;
  PollPollerWhileStarting& operator=(const PollPollerWhileStarting&) = delete;

 private:
  static constexpr const char* kVariable = "GRPC_POLL_STRATEGY";
  const bool set_;
};

}  // namespace racetrack_common
