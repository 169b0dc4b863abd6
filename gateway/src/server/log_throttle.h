// At most one log line per interval for events an attacker or an overload can repeat thousands
// of times a second (connection limit reached, out of file descriptors): the line says how many
// events it stands for, so nothing is hidden and the log cannot be flooded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gw::server {

inline constexpr uint64_t kDefaultLogThrottleMs = 1'000;

class LogThrottle {
 public:
  explicit LogThrottle(uint64_t interval_ms = kDefaultLogThrottleMs) : interval_ms_(interval_ms) {}

  // Counts one event at `now_ms`. Returns true if a line may be written now; then `*events` is
  // the number of events the line stands for (this one and those dropped since the last line).
  bool Allow(uint64_t now_ms, uint64_t* events) {
    ++pending_;
    if (written_ && now_ms - last_ms_ < interval_ms_) return false;
    written_ = true;
    last_ms_ = now_ms;
    *events = pending_;
    pending_ = 0;
    return true;
  }

 private:
  uint64_t interval_ms_;
  uint64_t last_ms_ = 0;
  uint64_t pending_ = 0;
  bool written_ = false;
};

}  // namespace gw::server
