// The adaptive inline/pool decision.
#include "dispatch_policy.h"

#include <algorithm>

namespace racetrack::internal {

DispatchPolicy::DispatchPolicy(Dispatch mode, std::chrono::microseconds inline_limit)
    : mode_(mode),
      limit_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(inline_limit).count()) {}

bool DispatchPolicy::RunInline(std::string_view endpoint) {
  switch (mode_) {
    case Dispatch::kInline:
      return true;
    case Dispatch::kPool:
      return false;
    case Dispatch::kAdaptive:
      break;
  }
  std::lock_guard lock(mu_);
  const auto found = typical_ns_.find(endpoint);
  // An endpoint not seen yet starts on the pool: its first call may block, and inline it would
  // hold up every call read with it.
  return found != typical_ns_.end() && found->second < limit_ns_;
}

void DispatchPolicy::Record(std::string_view endpoint, std::chrono::nanoseconds duration) {
  if (mode_ != Dispatch::kAdaptive) return;
  const std::int64_t ns = std::max<std::int64_t>(0, duration.count());
  std::lock_guard lock(mu_);
  auto found = typical_ns_.find(endpoint);
  if (found == typical_ns_.end()) {
    typical_ns_.emplace(std::string(endpoint), ns);
    return;
  }
  std::int64_t& typical = found->second;
  // A slow call moves the endpoint to the pool at once; quick ones bring it back gradually.
  typical = ns >= limit_ns_ ? std::max(typical, ns) : typical - typical / 8 + ns / 8;
}

std::chrono::nanoseconds DispatchPolicy::Typical(std::string_view endpoint) {
  std::lock_guard lock(mu_);
  const auto found = typical_ns_.find(endpoint);
  return std::chrono::nanoseconds(found == typical_ns_.end() ? 0 : found->second);
}

}  // namespace racetrack::internal
