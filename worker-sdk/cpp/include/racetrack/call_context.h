// The call a job is serving right now, as the gateway sees it: whether it has been cancelled
// (its client went away, or its deadline passed) and when its deadline is. Perform and auxiliary
// handlers read it with racetrack::CurrentCall() on the thread that runs them. A long call polls
// cancelled() and returns early: its answer is no longer delivered, and ending it frees its
// concurrency slot at the gateway, which holds the slot until the call really ends.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace racetrack {

class CallContext {
 public:
  using Clock = std::chrono::steady_clock;

  // Outside any call: never cancelled, no deadline.
  CallContext() = default;
  CallContext(std::shared_ptr<const std::atomic<bool>> cancelled,
              std::optional<Clock::time_point> deadline)
      : cancelled_(std::move(cancelled)), deadline_(deadline) {}

  // True once the gateway has cancelled the call. Cheap: poll it in long loops.
  bool cancelled() const { return cancelled_ && cancelled_->load(std::memory_order_relaxed); }
  // When the gateway stops waiting for the call (--call-timeout-ms counted from the request's
  // arrival, queue included); nullopt: no deadline.
  std::optional<Clock::time_point> deadline() const { return deadline_; }

 private:
  std::shared_ptr<const std::atomic<bool>> cancelled_;
  std::optional<Clock::time_point> deadline_;
};

// The context of the call this thread is running (a default one outside calls).
const CallContext& CurrentCall();

namespace internal {

// Makes `context` the current call's on this thread for the scope's lifetime.
class CallScope {
 public:
  explicit CallScope(const CallContext& context);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  const CallContext* previous_;
};

}  // namespace internal
}  // namespace racetrack
