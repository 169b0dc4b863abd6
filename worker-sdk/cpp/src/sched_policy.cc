// The worker process's scheduling policy, from RACETRACK_SCHED_POLICY
// (racetrack_common/sched_policy.h says why batch is the default).
#include "racetrack_common/sched_policy.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>

#include "racetrack/internal/worker_options.h"

namespace racetrack::internal {

void ApplySchedPolicyFromEnvironment() {
  using racetrack_common::kSchedPolicyEnv;
  racetrack_common::SchedPolicy policy = racetrack_common::kDefaultSchedPolicy;
  if (const char* text = std::getenv(kSchedPolicyEnv); text != nullptr && *text != '\0') {
    if (!racetrack_common::ParseSchedPolicy(text, policy)) {
      spdlog::warn("{}: unknown policy '{}' (batch or normal); using {}", kSchedPolicyEnv, text,
                   racetrack_common::SchedPolicyName(policy));
    }
  }
  if (std::string error; !racetrack_common::ApplySchedPolicy(policy, error)) {
    spdlog::warn("{}; the worker goes on under the policy it was started with", error);
  }
}

}  // namespace racetrack::internal
