// DispatchPolicy: where each call runs once its stream has read it. Inline, on the thread that
// read it, a call costs no thread hand-off (nor, for Python, a GIL hand-off between threads):
// the fastest path for a job that answers in microseconds. On the pool, calls overlap: what a
// job that blocks (sleeps, waits on I/O) needs, or it would hold up every call behind it.
//
// Adaptive dispatch learns per endpoint: it keeps a typical duration of the endpoint's recent
// calls (an exponential average, alpha 1/8, that jumps straight up on a call over the limit), and
// runs a call inline while that typical duration is under the limit. An endpoint's first call runs
// on the pool (it may block, and inline it would hold up the calls read with it). One that starts
// blocking moves to the pool after its first slow call; once its calls are quick again the
// average falls below the limit and they come back inline (every call is timed, wherever it ran).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "racetrack/internal/worker_options.h"

namespace racetrack::internal {

class DispatchPolicy {
 public:
  DispatchPolicy(Dispatch mode, std::chrono::microseconds inline_limit);

  // Whether the next call of `endpoint` runs inline.
  bool RunInline(std::string_view endpoint);

  // How long a call of `endpoint` kept the job busy.
  void Record(std::string_view endpoint, std::chrono::nanoseconds duration);

  Dispatch mode() const { return mode_; }
  // Whether calls ever go to the pool (a worker with inline dispatch needs no pool threads).
  bool uses_pool() const { return mode_ != Dispatch::kInline; }

  // The typical duration the policy holds for `endpoint` (0 before its first call).
  std::chrono::nanoseconds Typical(std::string_view endpoint);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  const Dispatch mode_;
  const std::int64_t limit_ns_;
  std::mutex mu_;
  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> typical_ns_;
};

}  // namespace racetrack::internal
