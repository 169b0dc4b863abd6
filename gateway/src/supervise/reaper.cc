#include "supervise/reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "observability/log.h"

namespace gw::supervise {
namespace {

// A handful of pids at most (one supervised worker); a vector beats a set here.
std::vector<pid_t>& Claimed() {
  static std::vector<pid_t> claimed;
  return claimed;
}

bool IsClaimed(pid_t pid) {
  const auto& claimed = Claimed();
  return std::find(claimed.begin(), claimed.end(), pid) != claimed.end();
}

}  // namespace

Reaper::Reaper(uv_loop_t* loop) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    log::Warn("cannot become a child subreaper: " + std::string(std::strerror(errno)) +
              "; orphans of the worker go to PID 1");
  }
  signal_.data = timer_.data = this;
  uv_signal_init(loop, &signal_);
  uv_signal_start(&signal_, &Reaper::OnSignal, SIGCHLD);
  uv_unref(reinterpret_cast<uv_handle_t*>(&signal_));
  uv_timer_init(loop, &timer_);
  uv_timer_start(&timer_, &Reaper::OnTimer, kReapIntervalMs, kReapIntervalMs);
  uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
}

void Reaper::Close() {
  auto on_closed = [](uv_handle_t* h) noexcept { --static_cast<Reaper*>(h->data)->open_handles_; };
  uv_close(reinterpret_cast<uv_handle_t*>(&signal_), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_closed);
}

void Reaper::Claim(pid_t pid) {
  if (!IsClaimed(pid)) Claimed().push_back(pid);
}

void Reaper::Release(pid_t pid) { std::erase(Claimed(), pid); }

int Reaper::ReapOrphans() {
  int reaped = 0;
  for (;;) {
    siginfo_t info{};
    // Peek: which child has exited? WNOWAIT leaves it waitable for whoever owns it.
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    // The worker has exited and libuv has not collected it yet: it will, on this same SIGCHLD.
    // waitid(P_ALL) would report it again first, so the rest waits for the next turn or tick.
    if (IsClaimed(info.si_pid)) break;
    if (waitpid(info.si_pid, nullptr, WNOHANG) > 0) ++reaped;
  }
  return reaped;
}

void Reaper::OnSignal(uv_signal_t* handle, int) noexcept {
  static_cast<Reaper*>(handle->data)->reaped_ += ReapOrphans();
}

void Reaper::OnTimer(uv_timer_t* handle) noexcept {
  static_cast<Reaper*>(handle->data)->reaped_ += ReapOrphans();
}

}  // namespace gw::supervise
