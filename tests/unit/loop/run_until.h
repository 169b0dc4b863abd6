// Loop-level test support: runs a gw::Loop on the test thread until a condition holds or a
// bounded time has passed, so that tests wait on conditions, never on sleeps. The condition is
// checked after every loop turn (a uv_check handle). A referenced timer bounds the wait and wakes
// the loop every kRecheckMs, because a condition may also change on another thread without
// waking the loop (a fake worker's state, a child process's file); the loop otherwise blocks in
// its poll phase, so nothing spins.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>

#include "loop/loop.h"

namespace gw::test_support {

inline constexpr std::chrono::milliseconds kConditionTimeout{10'000};
inline constexpr uint64_t kRecheckMs = 2;

// Runs `loop` until `condition()` is true (checked first, then after every turn) or `timeout`
// has passed. Returns the condition's last value. Leaves no handle open.
inline bool RunUntil(Loop& loop, const std::function<bool()>& condition,
                     std::chrono::milliseconds timeout = kConditionTimeout) {
  if (condition()) return true;
  uv_update_time(loop.uv());
  struct State {
    const std::function<bool()>* condition;
    uint64_t deadline_ms;
    bool met = false;
  } state{&condition, uv_now(loop.uv()) + static_cast<uint64_t>(timeout.count())};
  uv_check_t check;
  uv_timer_t timer;
  uv_check_init(loop.uv(), &check);
  uv_timer_init(loop.uv(), &timer);
  check.data = timer.data = &state;
  uv_check_start(&check, [](uv_check_t* h) noexcept {
    auto* s = static_cast<State*>(h->data);
    if ((*s->condition)()) {
      s->met = true;
      uv_stop(h->loop);
    }
  });
  uv_unref(reinterpret_cast<uv_handle_t*>(&check));
  uv_timer_start(
      &timer,
      [](uv_timer_t* h) noexcept {
        if (uv_now(h->loop) >= static_cast<State*>(h->data)->deadline_ms) uv_stop(h->loop);
      },
      kRecheckMs, kRecheckMs);
  uv_run(loop.uv(), UV_RUN_DEFAULT);
  // Posted work that ran in the last turn may have made the condition true after the check.
  if (!state.met) state.met = condition();
  bool closed[2] = {false, false};
  check.data = &closed[0];
  timer.data = &closed[1];
  auto on_closed = [](uv_handle_t* h) noexcept { *static_cast<bool*>(h->data) = true; };
  uv_close(reinterpret_cast<uv_handle_t*>(&check), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), on_closed);
  // Close callbacks run at the end of a turn; NOWAIT turns never block.
  while (!closed[0] || !closed[1]) uv_run(loop.uv(), UV_RUN_NOWAIT);
  return state.met;
}

// Runs `loop` until it runs out (no referenced handle, no hold), or fails after `timeout`.
// Returns true if it ran out by itself.
inline bool RunOut(Loop& loop, std::chrono::milliseconds timeout = kConditionTimeout) {
  uv_timer_t watchdog;
  bool fired = false;
  uv_timer_init(loop.uv(), &watchdog);
  watchdog.data = &fired;
  uv_timer_start(
      &watchdog,
      [](uv_timer_t* h) noexcept {
        *static_cast<bool*>(h->data) = true;
        uv_stop(h->loop);
      },
      static_cast<uint64_t>(timeout.count()), 0);
  uv_unref(reinterpret_cast<uv_handle_t*>(&watchdog));  // it must not keep the loop alive
  loop.Run();
  bool closed = false;
  watchdog.data = &closed;
  uv_close(reinterpret_cast<uv_handle_t*>(&watchdog),
           [](uv_handle_t* h) noexcept { *static_cast<bool*>(h->data) = true; });
  while (!closed) uv_run(loop.uv(), UV_RUN_NOWAIT);
  return !fired;
}

}  // namespace gw::test_support
