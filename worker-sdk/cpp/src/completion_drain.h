// CompletionDrain: the worker's gRPC completion queue and the threads that drain it. Every
// operation of the worker's services completes here: accepting RPCs, the Calls streams' reads
// and writes, unary answers, health. One thread drains the queue and runs each completion,
// including the calls a stream runs inline, so a call read is run with no thread hand-off, and
// no poller role passes between threads on every event (as it does between gRPC's callback
// threads).
//
// A completion that holds that thread (job code run inline that unexpectedly blocks) would hold
// up every stream, health check and reply of the worker. A standby thread watches for it: once
// the drain thread has been inside one completion for a whole watch period, the standby drains
// the queue too, until that completion returns. The standby watches only while job code runs on
// the drain (JobCodeRuns()); after a quiet spell it parks, and the next inline job code wakes it,
// so a worker whose calls all run on the pool (or that is idle) pays no periodic wake-ups.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace racetrack::internal {

class CompletionDrain {
 public:
  CompletionDrain(std::unique_ptr<grpc::ServerCompletionQueue> queue,
                  std::chrono::microseconds watch_period);
  ~CompletionDrain();  // Stop()
  CompletionDrain(const CompletionDrain&) = delete;
  CompletionDrain& operator=(const CompletionDrain&) = delete;

  grpc::ServerCompletionQueue* queue() { return queue_.get(); }

  // Starts the drain and standby threads.
  void Start();

  // Shuts the queue down and joins both threads once every operation has completed. Call after
  // the server's Shutdown (gRPC requires that order). Waits first until no call object is left
  // (see CallObjectCreated), as one could still start an operation, which gRPC forbids on a
  // queue that is shut down. Idempotent.
  void Stop();

  // Every object that holds a gRPC call of this queue (a Calls stream, a unary RPC, a health
  // watch) counts itself from its creation until it has let the call go.
  void CallObjectCreated() { call_objects_.fetch_add(1, std::memory_order_relaxed); }
  void CallObjectDeleted() {
    if (call_objects_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mu_);  // so that Stop() cannot miss the notification
    }
    none_left_.notify_all();
  }

  // Called (on a draining thread) before job code runs there: the standby watches from now on.
  void JobCodeRuns() {
    // Sequentially consistent with parked_: either the standby sees this before it parks, or
    // this sees that it parked and wakes it.
    job_code_.store(true);
    if (parked_.load()) Unpark();
  }

 private:
  void Drain();
  void Standby();
  // Drains until the completion that was running at `stuck` has returned.
  void Rescue(std::uint64_t stuck);
  void Unpark();

  const std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  const std::chrono::microseconds period_;
  // Incremented before and after each completion the drain thread runs: odd while one runs.
  std::atomic<std::uint64_t> progress_{0};
  std::atomic<bool> job_code_{false};  // job code ran on the drain since the standby last looked
  std::atomic<bool> parked_{false};
  std::atomic<std::int64_t> call_objects_{0};
  std::condition_variable none_left_;  // call_objects_ reached 0
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  bool stopped_ = false;   // guarded by mu_
  std::thread drain_;
  std::thread standby_;
};

// Counts its owner as a call object of a drain for as long as it lives. Declared before the
// owner's gRPC members, it goes after them.
class CallObjectCount {
 public:
  explicit CallObjectCount(CompletionDrain& drain) : drain_(drain) { drain_.CallObjectCreated(); }
  ~CallObjectCount() { drain_.CallObjectDeleted(); }
  CallObjectCount(const CallObjectCount&) = delete;
  CallObjectCount& operator=(const CallObjectCount&) = delete;

 private:
  CompletionDrain& drain_;
};

}  // namespace racetrack::internal
