// The call pool's threads: take one task at a time, hand it to its stream.
#include "call_pool.h"

#include "call_stream.h"

namespace racetrack::internal {

CallPool::CallPool(std::size_t threads) : size_(threads) {
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
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
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
  }
}

}  // namespace racetrack::internal
