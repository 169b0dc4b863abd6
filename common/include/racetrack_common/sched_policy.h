// SchedPolicy: the Linux scheduling policy the gateway and the worker run their threads under,
// SCHED_BATCH unless the operator says "normal" (gateway --sched-policy, RACETRACK_SCHED_POLICY).
//
// Why batch: a request passes through several threads (the gateway's loop and completion
// threads, the worker's stream thread, the job's), each woken for a few microseconds of work.
// Under SCHED_OTHER a thread that wakes preempts the one running on its core, so on busy cores
// every hand-off is a context switch into cold caches. A SCHED_BATCH thread that wakes waits
// instead until the running thread blocks or its time slice ends, and then finds more work
// queued: fewer switches, more work per wake-up. Nothing else changes (same weight, same share
// of the CPU), except that a woken thread on a busy core may wait up to a time slice (a few ms).
// bench/README.md has the figures.
//
// The policy belongs to a thread; threads and processes it starts inherit it. So each process
// applies it on its first thread, before it starts any other. Header-only; no privileges needed.
#pragma once

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace racetrack_common {

inline constexpr char kSchedPolicyEnv[] = "RACETRACK_SCHED_POLICY";

enum class SchedPolicy { kBatch, kNormal };

inline constexpr SchedPolicy kDefaultSchedPolicy = SchedPolicy::kBatch;

inline const char* SchedPolicyName(SchedPolicy policy) {
  return policy == SchedPolicy::kBatch ? "batch" : "normal";
}

// "batch" or "normal"; false for anything else.
inline bool ParseSchedPolicy(std::string_view text, SchedPolicy& policy) {
  for (const SchedPolicy candidate : {SchedPolicy::kBatch, SchedPolicy::kNormal}) {
    if (text == SchedPolicyName(candidate)) {
      policy = candidate;
      return true;
    }
  }
  return false;
}

// Puts the calling thread under `policy`. False, with `error` saying why, if the kernel refuses.
inline bool ApplySchedPolicy(SchedPolicy policy, std::string& error) {
  const sched_param param{};
  const int kernel_policy = policy == SchedPolicy::kBatch ? SCHED_BATCH : SCHED_OTHER;
  if (sched_setscheduler(0, kernel_policy, &param) == 0) return true;
  error = std::string("cannot set the scheduling policy ") + SchedPolicyName(policy) + ": " +
          std::strerror(errno);
  return false;
}

}  // namespace racetrack_common
