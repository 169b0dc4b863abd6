#include "loop/loop.h"

#include <cstdio>
#include <cstdlib>

namespace gw {

Loop::Loop() {
  if (uv_loop_init(&loop_) != 0) std::abort();
  uv_async_init(&loop_, &async_, &Loop::OnAsync);
  async_.data = this;
  // The async handle alone must not keep the loop alive; holds reference it.
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

void Loop::Hold() {
  if (holds_++ == 0) uv_ref(reinterpret_cast<uv_handle_t*>(&async_));
}

void Loop::Release() {
  if (holds_ > 0 && --holds_ == 0) uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
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
  bool first;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = !closed_;
    closed_ = true;
  }
  if (loop_closed_) return 0;
  if (first) {
    Drain();
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  }
  // Runs the close callbacks due; never waits, so a leaked active handle cannot hang us here.
  uv_run(&loop_, UV_RUN_NOWAIT);
  uv_run(&loop_, UV_RUN_NOWAIT);
  int leaked = 0;
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void* arg) {
        if (uv_is_closing(h)) return;
        ++*static_cast<int*>(arg);
        std::fprintf(stderr, "gateway: a %s handle was left open when the loop closed\n",
                     uv_handle_type_name(uv_handle_get_type(h)));
      },
      &leaked);
  if (leaked > 0) return UV_EBUSY;
  int rc = uv_loop_close(&loop_);
  loop_closed_ = rc == 0;
  return rc;
}

}  // namespace gw
