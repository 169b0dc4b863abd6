// The call pool's threads: take one task at a time, hand it to its stream; one of them at a time
// runs the busy lane, and an idle one watches a lane call that others wait behind.
#include "call_pool.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "call_stream.h"
#include "racetrack/internal/voluntary_switches.h"

namespace racetrack::internal {
namespace {

// Whether thread `tid` of this process is asleep now and has given up its CPU more than
// `waits` times (read from /proc; false when that cannot be read).
bool ThreadWaits(pid_t tid, long waits) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/status", static_cast<int>(tid));
  std::FILE* file = std::fopen(path, "re");
  if (file == nullptr) return false;
  char line[256];
  bool asleep = false;
  long switches = -1;
  while (std::fgets(line, sizeof line, file) != nullptr) {
    if (std::strncmp(line, "State:", 6) == 0) {
      const char* state = line + 6;
      while (*state == ' ' || *state == '\t') ++state;
      asleep = *state == 'S' || *state == 'D';
    } else if (std::strncmp(line, "voluntary_ctxt_switches:", 24) == 0) {
      switches = std::strtol(line + 24, nullptr, 10);
      break;
    }
  }
  std::fclose(file);
  return asleep && switches > waits;
}

}  // namespace

CallPool::CallPool(std::size_t threads, DispatchPolicy* policy) : size_(threads), policy_(policy) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { RunThread(); });
}

CallPool::~CallPool() { Stop(); }

void CallPool::Submit(std::vector<CallTask>& tasks) {
  const std::size_t count = tasks.size();
  if (count == 0) return;
  {
    std::lock_guard lock(mu_);
    for (CallTask& task : tasks) queue_.push_back(std::move(task));
  }
  tasks.clear();
  if (count == 1) {
    cv_.notify_one();
  } else {
    cv_.notify_all();
  }
}

void CallPool::SubmitLane(std::vector<CallTask>& tasks) {
  if (tasks.empty()) return;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    for (CallTask& task : tasks) lane_.push_back(std::move(task));
    // A thread to run the lane, or to watch the lane call the tasks now wait behind.
    wake = !lane_taken_ || LaneNeedsWatchLocked();
  }
  tasks.clear();
  if (wake) cv_.notify_one();
}

bool CallPool::Submit(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    CallTask& task = queue_.emplace_back();
    task.work = std::move(work);
  }
  cv_.notify_one();
  return true;
}

void CallPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void CallPool::RunThread() {
  std::unique_lock lock(mu_);
  while (true) {
    if (!lane_taken_ && !lane_.empty()) {
      RunLaneLocked(lock);
      continue;
    }
    if (!queue_.empty()) {
      CallTask task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      if (task.work) {
        task.work();
      } else {
        task.stream->Execute(task);
      }
      task = CallTask{};  // release the stream reference outside the pool lock
      lock.lock();
      continue;
    }
    // Stopping, and nothing left to run (a lane still running is its thread's to finish).
    if (stopping_) return;
    if (LaneNeedsWatchLocked()) {
      WatchLaneLocked(lock);
      continue;
    }
    cv_.wait(lock);
  }
}

void CallPool::RunLaneLocked(std::unique_lock<std::mutex>& lock) {
  lane_taken_ = true;
  lane_tid_ = gettid();
  while (!lane_.empty()) {
    CallTask task = std::move(lane_.front());
    lane_.pop_front();
    if (policy_ != nullptr && !policy_->InLane(task.call.endpoint())) {
      task.placement = Placement::kPool;  // its endpoint left the lane: it overlaps again
      queue_.push_back(std::move(task));
      cv_.notify_one();
      continue;
    }
    ++lane_call_;
    lane_running_ = true;
    lane_suspected_ = false;
    lane_waits_ = VoluntarySwitches();
    lane_endpoint_ = task.call.endpoint();
    const Clock::duration typical =
        policy_ != nullptr ? policy_->Typical(lane_endpoint_) : Clock::duration{};
    const Clock::time_point now = Clock::now();
    lane_check_step_ = std::clamp<Clock::duration>(typical * 2, kFirstLaneCheck, kLongestLaneCheck);
    lane_check_at_ = now + lane_check_step_;
    lane_patience_at_ =
        now + std::clamp<Clock::duration>(typical * 8, kShortestPatience, kLongestPatience);
    if (LaneNeedsWatchLocked()) cv_.notify_one();
    lock.unlock();
    task.stream->Execute(task);
    task = CallTask{};
    lock.lock();
    lane_running_ = false;
  }
  lane_taken_ = false;
}

void CallPool::WatchLaneLocked(std::unique_lock<std::mutex>& lock) {
  watching_ = true;
  const std::uint64_t call = lane_call_;
  const Clock::time_point at = lane_check_at_;
  cv_.wait_until(lock, at);
  watching_ = false;
  const Clock::time_point now = Clock::now();
  if (!lane_running_ || lane_call_ != call || lane_.empty() || now < at) {
    // Woken for other work (or the call ended): whoever is idle takes over the watch.
    if (LaneNeedsWatchLocked() && !queue_.empty()) cv_.notify_one();
    return;
  }
  const bool overran = now >= lane_patience_at_;
  const bool waits = ThreadWaits(lane_tid_, lane_waits_);
  // While job code outside the lane runs, a wait may be the call's turn on the job's lock.
  const bool others = policy_ != nullptr && policy_->OthersRunning();
  // Asleep once may be a moment's wait on a lock of the runtime's own: it must be asleep at the
  // next check too.
  const bool confirmed = waits && !others && lane_suspected_;
  lane_suspected_ = waits && !others;
  if (!overran && !confirmed) {
    if (!lane_suspected_) {
      lane_check_step_ = std::min<Clock::duration>(lane_check_step_ * 2, kLongestLaneCheck);
    }
    lane_check_at_ = std::min(now + lane_check_step_, lane_patience_at_);
    return;
  }
  // The lane call waits, or has run past its patience (stuck, or far longer than its endpoint's
  // calls take): what queued behind it overlaps instead.
  if (policy_ != nullptr) {
    policy_->LeaveLane(lane_endpoint_, waits ? "a call waits while others queue behind it"
                                             : "a call runs far longer than its endpoint's calls "
                                               "take while others queue behind it");
  }
  for (CallTask& task : lane_) {
    task.placement = Placement::kPool;
    queue_.push_back(std::move(task));
  }
  lane_.clear();
  cv_.notify_all();
}

}  // namespace racetrack::internal
