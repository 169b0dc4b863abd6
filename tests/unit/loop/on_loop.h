// Loop-level test support for tests that drive a running loop from a client thread: runs a
// function on the loop thread (through Loop::Post, the one door in) and returns its result.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <type_traits>

#include "loop/loop.h"

namespace gw::test_support {

// From another thread: runs `fn` on `loop`'s thread and waits up to `wait` for its result (a
// test failure and a default value if the loop does not run it in time).
template <typename Fn>
auto OnLoop(Loop& loop, Fn fn, std::chrono::milliseconds wait) -> decltype(fn()) {
  using Result = decltype(fn());
  auto task = std::make_shared<std::packaged_task<Result()>>(std::move(fn));
  std::future<Result> done = task->get_future();
  loop.Post([task] { (*task)(); });
  if (done.wait_for(wait) != std::future_status::ready) {
    ADD_FAILURE() << "the loop did not run the posted function";
    if constexpr (std::is_void_v<Result>) {
      return;
    } else {
      return Result{};
    }
  }
  return done.get();
}

}  // namespace gw::test_support
