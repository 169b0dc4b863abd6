// The worker's completion drain and its standby.
#include "completion_drain.h"

#include <pthread.h>

#include "racetrack_common/grpc_completion.h"

namespace racetrack::internal {
namespace {

using racetrack_common::Completion;

// Watch periods without job code on the drain after which the standby parks.
constexpr int kQuietPeriodsBeforeParking = 50;

}  // namespace

CompletionDrain::CompletionDrain(std::unique_ptr<grpc::ServerCompletionQueue> queue,
                                 std::chrono::microseconds watch_period)
    : queue_(std::move(queue)), period_(watch_period) {}

CompletionDrain::~CompletionDrain() { Stop(); }

void CompletionDrain::Start() {
  drain_ = std::thread([this] { Drain(); });
  standby_ = std::thread([this] { Standby(); });
}

void CompletionDrain::Stop() {
  {
    std::unique_lock lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    none_left_.wait(lock, [this] { return call_objects_.load(std::memory_order_acquire) == 0; });
    stopping_ = true;
    parked_.store(false);
  }
  wake_.notify_all();
  queue_->Shutdown();
  if (drain_.joinable()) drain_.join();
  if (standby_.joinable()) standby_.join();
  // A queue that no thread ever drained (Start not called) still has to be emptied.
  void* tag = nullptr;
  bool ok = false;
  while (queue_->Next(&tag, &ok)) Completion::Run(tag, ok);
}

// Next() returns false once the queue is shut down and every operation has completed.
void CompletionDrain::Drain() {
  pthread_setname_np(pthread_self(), "rt-completions");
  void* tag = nullptr;
  bool ok = false;
  while (queue_->Next(&tag, &ok)) {
    progress_.fetch_add(1, std::memory_order_relaxed);
    Completion::Run(tag, ok);
    progress_.fetch_add(1, std::memory_order_release);
  }
}

void CompletionDrain::Unpark() {
  {
    std::lock_guard lock(mu_);
    parked_.store(false);
  }
  wake_.notify_one();
}

void CompletionDrain::Standby() {
  pthread_setname_np(pthread_self(), "rt-standby");
  std::uint64_t seen = progress_.load(std::memory_order_acquire);
  int quiet = 0;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, period_, [this] { return stopping_; });
    if (stopping_) break;
    const std::uint64_t now = progress_.load(std::memory_order_acquire);
    if (now == seen && now % 2 == 1) {
      // The drain thread has been inside one completion for a whole period.
      lock.unlock();
      Rescue(now);
      lock.lock();
      seen = progress_.load(std::memory_order_acquire);
      quiet = 0;
      continue;
    }
    seen = now;
    if (job_code_.exchange(false)) {
      quiet = 0;
      continue;
    }
    if (now % 2 == 1 || ++quiet < kQuietPeriodsBeforeParking) continue;
    parked_.store(true);
    if (!job_code_.load()) {
      wake_.wait(lock, [this] { return stopping_ || !parked_.load(); });
    }
    parked_.store(false);
    seen = progress_.load(std::memory_order_acquire);
    quiet = 0;
  }
}

void CompletionDrain::Rescue(std::uint64_t stuck) {
  void* tag = nullptr;
  bool ok = false;
  while (progress_.load(std::memory_order_acquire) == stuck) {
    const auto deadline = std::chrono::system_clock::now() + period_;
    switch (queue_->AsyncNext(&tag, &ok, deadline)) {
      case grpc::CompletionQueue::GOT_EVENT:
        Completion::Run(tag, ok);
        break;
      case grpc::CompletionQueue::TIMEOUT:
        break;
      case grpc::CompletionQueue::SHUTDOWN:
        return;
    }
  }
}

}  // namespace racetrack::internal
