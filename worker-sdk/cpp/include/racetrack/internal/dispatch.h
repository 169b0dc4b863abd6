// Runs one call against a loaded job: parses the JSON payload, calls the endpoint and serialises
// the result, turning every failure into an ErrorInfo. This is the whole job-facing side of a
// call; the transport (call_stream.cc) never sees a Json value. Internal; exposed for tests.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "racetrack/internal/error_mapping.h"
#include "racetrack/job.h"

namespace racetrack::internal {

inline constexpr std::string_view kPerformPath = "/perform";

struct CallOutcome {
  bool ok = false;
  std::string result_json;  // compact JSON text when ok
  ErrorInfo error;          // when !ok
  // How long the call kept the job busy, when the backend measured it itself (the Python one
  // leaves out its wait for the GIL); negative: the runtime times the whole call.
  std::chrono::nanoseconds job_time{-1};
  // How often the job code gave up its thread's CPU (voluntary context switches: sleeps, I/O,
  // locks), when the runtime asked the backend to count; negative otherwise.
  long job_waits = -1;
};

// The job's auxiliary endpoints by normalised path (leading slash added).
using AuxiliaryTable = std::map<std::string, AuxiliaryEndpoint, std::less<>>;

// Asks the job for its auxiliary endpoints once. When two keys normalise to the same path the
// first in key order wins, as in the original; "/perform" is left to perform. An endpoint without
// a handler throws std::invalid_argument (an init error).
AuxiliaryTable CollectAuxiliaryEndpoints(Job& job);

// "/perform" runs job.Perform, a path in `auxiliary` its handler; anything else is 404.
CallOutcome InvokeJob(Job& job, std::string_view endpoint, std::string_view payload_json,
                      const AuxiliaryTable& auxiliary = {});

// Serialises a job's result compactly; NaN and infinities give 400 "ValueError" like the
// original's json.dumps(allow_nan=False).
CallOutcome SerializeResult(const Json& result);

CallOutcome ErrorOutcome(int http_status, std::string type, std::string message);

}  // namespace racetrack::internal
