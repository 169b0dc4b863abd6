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
//
// The busy lane, for a job whose code runs one thread at a time (Python's GIL). A slow call that
// never waits (pure computation) gains nothing from overlapping others in such a job: they only
// take turns on the lock, and every turn is a thread hand-off, so a CPU-bound endpoint served by
// 40 pool threads answers slower, and far less evenly, than by one. The backend counts the
// voluntary context switches of a call's job code (after it has the lock). A slow endpoint enters
// the lane with its first call that did not wait once; then its calls run one at a time, back to
// back on one pool thread, in order (call_pool.h). It leaves when its lane calls keep waiting
// (an exponential average of "waited", alpha 1/4, reaches 1/2: three in a row), or at once when
// a lane call is found waiting, or still running at its patience, while calls queue behind it
// (call_pool.h); its queued calls then go back to the pool. Only a lane call that ran alone is
// evidence: while calls outside the lane run (those placed before the endpoint entered it, other
// endpoints'), a lane call may wait for its turn on the lock without blocking on anything itself.
// After leaving, it may enter again only after a back-off (1 s, doubling up to 64 s; back to 1 s
// once kSteadyLaneCalls lane calls in a row did not wait). An endpoint whose calls sleep or wait on
// I/O never enters, and keeps its overlap.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "racetrack/internal/worker_options.h"

namespace racetrack::internal {

enum class Placement {
  kInline,  // on the thread that read the call
  kPool,    // on any pool thread, overlapping other calls
  kLane,    // on the pool, one lane call at a time, in order
};

class DispatchPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  static constexpr Clock::duration kFirstBackoff = std::chrono::seconds(1);
  static constexpr Clock::duration kLongestBackoff = std::chrono::seconds(64);
  static constexpr int kSteadyLaneCalls = 64;

  // `busy_lane`: the job's code runs one thread at a time, so busy endpoints may use the lane
  // (only with Dispatch::kAdaptive).
  DispatchPolicy(Dispatch mode, std::chrono::microseconds inline_limit, bool busy_lane = false);

  // Where the next call of `endpoint` runs.
  Placement Place(std::string_view endpoint);
  // Whether a call placed in the lane still belongs there (asked again before it runs).
  bool InLane(std::string_view endpoint);

  // How long a call of `endpoint` kept the job busy.
  void Record(std::string_view endpoint, std::chrono::nanoseconds duration);

  // How often a call of `endpoint` that ran at `where` (the pool or the lane; `alone` as End
  // said) waited in its job code; negative when the backend did not count.
  void RecordWaits(std::string_view endpoint, Placement where, long waits, bool alone,
                   Clock::time_point now = Clock::now());
  // A lane call of `endpoint` holds up the calls queued behind it (`why`): it leaves the lane.
  void LeaveLane(std::string_view endpoint, std::string_view why,
                 Clock::time_point now = Clock::now());

  // Brackets the job code of every call (and Http request) while the lane is on, so that a lane
  // call knows whether it ran alone: whether no job code outside the lane ran meanwhile.
  struct CallMark {
    bool lane = false;
    bool clear = false;         // a lane call: nothing else ran when it started
    std::uint64_t started = 0;  // a lane call: calls outside the lane started before it
  };
  CallMark Begin(Placement where);
  bool End(const CallMark& mark);  // whether a lane call ran alone (false for any other call)
  // Whether a call outside the lane runs now.
  bool OthersRunning() const { return others_running_.load(std::memory_order_acquire) > 0; }

  Dispatch mode() const { return mode_; }
  bool busy_lane() const { return busy_lane_; }
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
  struct Endpoint {
    std::int64_t typical_ns = 0;
    bool in_lane = false;
    double waited_share = 0;         // of its recent lane calls
    int steady_calls = 0;            // lane calls in a row that did not wait
    Clock::time_point next_entry{};  // while out of the lane, after leaving it
    Clock::duration backoff = kFirstBackoff;
  };

  void LeaveLaneLocked(Endpoint& state, Clock::time_point now, std::string_view endpoint,
                       std::string_view why);

  const Dispatch mode_;
  const std::int64_t limit_ns_;
  const bool busy_lane_;
  std::mutex mu_;
  std::unordered_map<std::string, Endpoint, Hash, std::equal_to<>> endpoints_;
  std::atomic<int> others_running_{0};
  std::atomic<std::uint64_t> others_started_{0};
};

}  // namespace racetrack::internal
