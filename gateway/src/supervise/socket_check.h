// Watches the unix socket of a worker that someone else runs (`--worker-address unix:PATH`, a
// two-container pod) and says in the log why the gateway cannot use it: the gRPC channel only
// retries in silence, and a socket created with the wrong mode or owner (another container's
// uid) would otherwise leave the gateway unready with nothing in the log. One line per distinct
// problem, one when it is gone.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>

namespace gw::supervise {

inline constexpr uint64_t kSocketCheckIntervalMs = 2'000;

class SocketCheck {
 public:
  // `address` is the gRPC target; only "unix:PATH" / "unix://PATH" is checked. The timer is
  // unreferenced and closed by Loop::Close, so the SocketCheck must outlive it.
  SocketCheck(uv_loop_t* loop, const std::string& address);
  SocketCheck(const SocketCheck&) = delete;
  SocketCheck& operator=(const SocketCheck&) = delete;

  // What is wrong with the socket now, or "" when a connection succeeds (or it does not exist
  // yet: the worker may still be starting).
  static std::string Problem(const std::string& path);

  const std::string& last_problem() const { return last_problem_; }

 private:
  static void OnTimer(uv_timer_t* timer) noexcept;
  void Check();

  std::string path_;
  std::string last_problem_;
  uv_timer_t timer_;
};

}  // namespace gw::supervise
