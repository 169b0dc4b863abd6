// Everything the gateway is configured with, filled by the command line (config/cli.h) and the
// environment. Defaults are named in the headers of the parts they configure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http/limits.h"
#include "observability/log.h"
#include "racetrack_common/sched_policy.h"

namespace gw::config {

inline constexpr int kDefaultPort = 7000;
inline constexpr uint64_t kDefaultDrainTimeoutMs = 30'000;
inline constexpr int kDefaultMaxMessageBytes = static_cast<int>(http::kDefaultMaxMessageBytes);
inline constexpr uint64_t kDefaultStuckCallGraceMs = 10'000;
inline constexpr uint32_t kMaxWorkers = 64;
inline constexpr const char* kWorkersEnv = "RACETRACK_WORKERS";

struct Config {
  std::string host = "0.0.0.0";
  int port = kDefaultPort;
  std::vector<std::string> worker_command;    // --worker CMD [ARGS...]: spawn and supervise
  std::vector<std::string> worker_addresses;  // --worker-address ADDR...: someone else runs them
  uint32_t workers = 1;                       // --workers N / RACETRACK_WORKERS
  http::Limits limits;
  uint64_t drain_timeout_ms = kDefaultDrainTimeoutMs;
  uint32_t call_timeout_ms = 0;  // 0: calls may take as long as they need (as the original)
  // A call still running this long after its deadline (and its cancellation) restarts the
  // worker (the watchdog; needs --call-timeout-ms).
  uint64_t stuck_call_grace_ms = kDefaultStuckCallGraceMs;
  // With calls in flight and none ended for this long, the worker is wedged: /live fails with
  // the reason (0: never).
  uint64_t stall_timeout_ms = 0;
  int max_message_bytes = kDefaultMaxMessageBytes;  // also bounds requests: max_forward_bytes
  log::Level log_level = log::Level::kDebug;
  bool metrics_enabled =
      true;  // --no-metrics: no /metrics, no metric updates  // the original's CLI logs at debug
  bool log_structured = false;  // LOG_STRUCTURED: one JSON object per line (spec §15.3)
  std::string manifest_path;    // --manifest-path P: else JOB_MANIFEST_YAML, else ./job.yaml
  // --sched-policy / RACETRACK_SCHED_POLICY: the gateway's threads and its workers' (main.cc).
  racetrack_common::SchedPolicy sched_policy = racetrack_common::kDefaultSchedPolicy;
};

}  // namespace gw::config
