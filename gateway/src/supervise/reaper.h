// Reaps orphaned processes that the kernel re-parents to the gateway: when it runs as a
// container's PID 1, or as a child subreaper (PR_SET_CHILD_SUBREAPER), a job's grandchildren
// that outlive their parent (e.g. `sh -c 'sleep 1 &'`) become the gateway's children, and
// nobody else would ever collect them: one zombie per such call, until the pid table is full.
//
// The worker itself is libuv's child (uv_spawn), whose exit status libuv collects with
// waitpid(pid); stealing it would leave the supervisor never learning that the worker died. So
// the reaper peeks first (waitid with WNOWAIT) and only reaps pids nobody has claimed: the
// supervisor claims the worker's pid while it runs (Claim/Release).
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <cstdint>

namespace gw::supervise {

inline constexpr uint64_t kReapIntervalMs = 1'000;

class Reaper {
 public:
  // Makes this process a child subreaper and starts reaping on SIGCHLD and every
  // kReapIntervalMs. The handles are unreferenced (they never keep the loop alive).
  explicit Reaper(uv_loop_t* loop);
  // Closes the handles (once the loop has run out); their close callbacks count them down.
  void Close();
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  // Children someone else waits for (the supervised worker). Loop thread only.
  static void Claim(pid_t pid);
  static void Release(pid_t pid);

  // Reaps every exited child that nobody claimed; returns how many. Safe to call at any time.
  static int ReapOrphans();

  uint64_t reaped() const { return reaped_; }

 private:
  static void OnSignal(uv_signal_t* handle, int signum) noexcept;
  static void OnTimer(uv_timer_t* handle) noexcept;

  uv_signal_t signal_;
  uv_timer_t timer_;
  uint64_t reaped_ = 0;
  int open_handles_ = 2;
};

}  // namespace gw::supervise
