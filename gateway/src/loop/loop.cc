#include "loop/loop.h"

#include <cstdlib>

namespace gw {

Loop::Loop() {
  if (uv_loop_init(&loop_) != 0) std::abort();
  uv_async_init(&loop_, &async_, &Loop::OnAsync);
  async_.data = this;
  // The async handle alone must not keep the loop alive.
  uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
}

Loop::~Loop() { Close(); }

void Loop::Post(std::function<void()> fn) {
  // The wake-up is sent under the lock: once Close() has set closed_, no other thread can still
  // be about to touch async_, which Close() then closes along with the loop.
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  queue_.push_back(std::move(fn));
  uv_async_send(&async_);
}

void Loop::OnAsync(uv_async_t* handle) noexcept { static_cast<Loop*>(handle->data)->Drain(); }

void Loop::Drain() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    draining_.swap(queue_);
  }
  for (auto& fn : draining_) fn();
  draining_.clear();
}

void Loop::Run() { uv_run(&loop_, UV_RUN_DEFAULT); }

int Loop::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return 0;
    closed_ = true;
  }
  Drain();
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  return uv_loop_close(&loop_);
}

}  // namespace gw
