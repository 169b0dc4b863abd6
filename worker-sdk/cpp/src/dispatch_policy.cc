// The adaptive inline/pool decision, and the busy lane.
#include "dispatch_policy.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace racetrack::internal {

DispatchPolicy::DispatchPolicy(Dispatch mode, std::chrono::microseconds inline_limit,
                               bool busy_lane)
    : mode_(mode),
      limit_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(inline_limit).count()),
      busy_lane_(busy_lane && mode == Dispatch::kAdaptive) {}

Placement DispatchPolicy::Place(std::string_view endpoint) {
  switch (mode_) {
    case Dispatch::kInline:
      return Placement::kInline;
    case Dispatch::kPool:
      return Placement::kPool;
    case Dispatch::kAdaptive:
      break;
  }
  std::lock_guard lock(mu_);
  const auto found = endpoints_.find(endpoint);
  // An endpoint not seen yet starts on the pool: its first call may block, and inline it would
  // hold up every call read with it.
  if (found == endpoints_.end()) return Placement::kPool;
  const Endpoint& state = found->second;
  if (state.typical_ns < limit_ns_) return Placement::kInline;
  return state.in_lane ? Placement::kLane : Placement::kPool;
}

bool DispatchPolicy::InLane(std::string_view endpoint) {
  std::lock_guard lock(mu_);
  const auto found = endpoints_.find(endpoint);
  return found != endpoints_.end() && found->second.in_lane;
}

void DispatchPolicy::Record(std::string_view endpoint, std::chrono::nanoseconds duration) {
  if (mode_ != Dispatch::kAdaptive) return;
  const std::int64_t ns = std::max<std::int64_t>(0, duration.count());
  std::lock_guard lock(mu_);
  auto found = endpoints_.find(endpoint);
  if (found == endpoints_.end()) {
    endpoints_.emplace(std::string(endpoint), Endpoint{}).first->second.typical_ns = ns;
    return;
  }
  std::int64_t& typical = found->second.typical_ns;
  // A slow call moves the endpoint to the pool at once; quick ones bring it back gradually.
  typical = ns >= limit_ns_ ? std::max(typical, ns) : typical - typical / 8 + ns / 8;
}

DispatchPolicy::CallMark DispatchPolicy::Begin(Placement where) {
  CallMark mark;
  mark.lane = where == Placement::kLane;
  if (mark.lane) {
    mark.started = others_started_.load(std::memory_order_acquire);
    mark.clear = others_running_.load(std::memory_order_acquire) == 0;
  } else {
    others_started_.fetch_add(1, std::memory_order_acq_rel);
    others_running_.fetch_add(1, std::memory_order_acq_rel);
  }
  return mark;
}

bool DispatchPolicy::End(const CallMark& mark) {
  if (!mark.lane) {
    others_running_.fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  return mark.clear && others_started_.load(std::memory_order_acquire) == mark.started;
}

void DispatchPolicy::RecordWaits(std::string_view endpoint, Placement where, long waits, bool alone,
                                 Clock::time_point now) {
  if (!busy_lane_ || waits < 0 || where == Placement::kInline) return;
  std::lock_guard lock(mu_);
  const auto found = endpoints_.find(endpoint);
  if (found == endpoints_.end()) return;
  Endpoint& state = found->second;
  if (!state.in_lane) {
    // A pool call that never waited: the endpoint computes. Its next calls take the lane.
    if (where == Placement::kPool && waits == 0 && now >= state.next_entry &&
        state.typical_ns >= limit_ns_) {
      state.in_lane = true;
      state.waited_share = 0;
      state.steady_calls = 0;
      spdlog::info(
          "endpoint {} takes the busy lane: its calls compute without waiting, so they "
          "run one at a time",
          endpoint);
    }
    return;
  }
  // A pool call queued before it entered, or a lane call that shared the lock: no evidence.
  if (where != Placement::kLane || !alone) return;
  state.waited_share = state.waited_share * 0.75 + (waits > 0 ? 0.25 : 0.0);
  if (state.waited_share >= 0.5) {
    LeaveLaneLocked(state, now, endpoint, "its calls wait");
    return;
  }
  if (waits > 0) {
    state.steady_calls = 0;
  } else if (++state.steady_calls >= kSteadyLaneCalls) {
    state.backoff = kFirstBackoff;
  }
}

void DispatchPolicy::LeaveLane(std::string_view endpoint, std::string_view why,
                               Clock::time_point now) {
  std::lock_guard lock(mu_);
  const auto found = endpoints_.find(endpoint);
  if (found != endpoints_.end() && found->second.in_lane) {
    LeaveLaneLocked(found->second, now, endpoint, why);
  }
}

void DispatchPolicy::LeaveLaneLocked(Endpoint& state, Clock::time_point now,
                                     std::string_view endpoint, std::string_view why) {
  state.in_lane = false;
  state.next_entry = now + state.backoff;
  spdlog::info(
      "endpoint {} leaves the busy lane: {}; its calls overlap again (back in the lane "
      "no sooner than {} s)",
      endpoint, why, std::chrono::duration_cast<std::chrono::seconds>(state.backoff).count());
  state.backoff = std::min<Clock::duration>(state.backoff * 2, kLongestBackoff);
}

std::chrono::nanoseconds DispatchPolicy::Typical(std::string_view endpoint) {
  std::lock_guard lock(mu_);
  const auto found = endpoints_.find(endpoint);
  return std::chrono::nanoseconds(found == endpoints_.end() ? 0 : found->second.typical_ns);
}

}  // namespace racetrack::internal
