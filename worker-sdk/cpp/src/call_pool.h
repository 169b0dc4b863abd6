// CallPool: a fixed set of threads that run job calls. Shared by every Calls stream of a worker;
// its size is the worker's max_concurrency. A task owns its Call and a shared reference to its
// stream, so a task that finishes after the stream died only drops its reply.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "racetrack/worker/v1/worker.pb.h"

namespace racetrack::internal {

class CallStream;

// A call of a stream, or (when `work` is set) any other job work: an Http request.
struct CallTask {
  std::shared_ptr<CallStream> stream;
  racetrack::worker::v1::Call call;
  std::chrono::steady_clock::time_point received;  // when the batch was read (for timeout_ms)
  std::function<void()> work;
};

class CallPool {
 public:
  explicit CallPool(std::size_t threads);
  ~CallPool();  // Stop()
  CallPool(const CallPool&) = delete;
  CallPool& operator=(const CallPool&) = delete;

  // Queues every task of `tasks` (moved out; the vector is left empty) under one lock.
  void Submit(std::vector<CallTask>& tasks);
  // Queues one piece of work; false once the pool is stopping (the work is not run).
  bool Submit(std::function<void()> work);

  // Runs what is queued (tasks of dead streams skip the job) and joins the threads. Idempotent.
  void Stop();

  std::size_t size() const { return size_; }

 private:
  void RunThread();

  const std::size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CallTask> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace racetrack::internal
