// CallPool: a fixed set of threads that run job calls. Shared by every Calls stream of a worker;
// its size is the worker's max_concurrency. A task owns its Call and a shared reference to its
// stream, so a task that finishes after the stream died only drops its reply.
//
// The busy lane (dispatch_policy.h): lane tasks wait in a queue of their own, which one pool
// thread at a time runs back to back, in order. Before each it asks the policy again; a task
// whose endpoint has left the lane goes to the common queue instead. While a lane call runs with
// tasks queued behind it, an idle pool thread watches it: at twice its endpoint's typical
// duration (at least 1 ms) after it started, then at doubling intervals up to 100 ms, it reads the
// lane thread's state. A lane call whose thread waits (it is asleep at two checks in a row and has
// given up its CPU since the call started) sends everything queued in the lane to the common queue,
// and its endpoint out of the lane; while calls outside the lane run, a wait may be the lane call's
// turn on the job's lock, so that waits for the call's patience (8 typical durations, within 50
// ms..1 s). A lane call still running at its patience does the same whether it waits or computes (a
// stuck loop, or a call far longer than its endpoint's others). So a lane call that blocks holds up
// the calls behind it for about twice its endpoint's typical duration, and one that never ends for
// its patience at most, not for as long as it runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dispatch_policy.h"
#include "racetrack/worker/v1/worker.pb.h"

namespace racetrack::internal {

class CallStream;

// A call of a stream, or (when `work` is set) any other job work: an Http request.
struct CallTask {
  std::shared_ptr<CallStream> stream;
  racetrack::worker::v1::Call call;
  std::chrono::steady_clock::time_point received;  // when the batch was read (for timeout_ms)
  std::function<void()> work;
  Placement placement = Placement::kPool;  // where it runs (kInline: on the reading thread)
};

class CallPool {
 public:
  using Clock = std::chrono::steady_clock;

  static constexpr Clock::duration kFirstLaneCheck = std::chrono::milliseconds(1);
  static constexpr Clock::duration kLongestLaneCheck = std::chrono::milliseconds(100);
  static constexpr Clock::duration kShortestPatience = std::chrono::milliseconds(50);
  static constexpr Clock::duration kLongestPatience = std::chrono::seconds(1);

  // `policy` (may be null: no lane) says whether a lane task still belongs in the lane, and is
  // told when a lane call is found waiting.
  explicit CallPool(std::size_t threads, DispatchPolicy* policy = nullptr);
  ~CallPool();  // Stop()
  CallPool(const CallPool&) = delete;
  CallPool& operator=(const CallPool&) = delete;

  // Queues every task of `tasks` (moved out; the vector is left empty) under one lock.
  void Submit(std::vector<CallTask>& tasks);
  // Queues every task of `tasks` in the busy lane, likewise.
  void SubmitLane(std::vector<CallTask>& tasks);
  // Queues one piece of work; false once the pool is stopping (the work is not run).
  bool Submit(std::function<void()> work);

  // Runs what is queued (tasks of dead streams skip the job) and joins the threads. Idempotent.
  void Stop();

  std::size_t size() const { return size_; }

 private:
  void RunThread();
  // Runs the lane's tasks until it is empty; called with `lock` held, returns with it held.
  void RunLaneLocked(std::unique_lock<std::mutex>& lock);
  // Waits until the running lane call's next check, then checks it, unless woken for other work.
  void WatchLaneLocked(std::unique_lock<std::mutex>& lock);
  // Whether a thread watching the lane is due: a lane call runs and tasks wait behind it.
  bool LaneNeedsWatchLocked() const { return lane_running_ && !watching_ && !lane_.empty(); }

  const std::size_t size_;
  DispatchPolicy* const policy_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CallTask> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;

  // The lane, under mu_.
  std::deque<CallTask> lane_;
  bool lane_taken_ = false;      // a thread is running the lane
  bool lane_running_ = false;    // it is inside a lane call
  bool watching_ = false;        // a thread watches that call
  std::uint64_t lane_call_ = 0;  // counts lane calls, so a watcher knows the one it watched
  pid_t lane_tid_ = 0;
  long lane_waits_ = 0;  // the lane thread's voluntary context switches when the call began
  std::string lane_endpoint_;
  Clock::time_point lane_check_at_;
  Clock::time_point lane_patience_at_;
  bool lane_suspected_ = false;  // the last check found the lane call asleep
  Clock::duration lane_check_step_{};
};

}  // namespace racetrack::internal
