// JobBackend: what the worker runtime needs from the code that hosts a job. The runtime (gRPC
// server, health, Calls streams with their batching and acks, the call pool, dispatch, drain) is
// one implementation for every SDK; a backend is the language side: it loads the job, describes
// it, runs its calls and HTTP-shaped requests, and collects its gauges. The C++ SDK's backend
// wraps a racetrack::Job (cpp_job_backend.cc); the Python SDK's wraps the Python job host.
// Internal to the SDKs; exposed for the Python runtime and for tests.
#pragma once

#include <chrono>
#include <string>

#include "racetrack/call_context.h"
#include "racetrack/internal/dispatch.h"
#include "racetrack/internal/load_state.h"
#include "racetrack/worker/v1/worker.pb.h"

namespace racetrack::internal {

class JobBackend {
 public:
  virtual ~JobBackend() = default;

  // Constructs the job; runs once, on the runtime's loader thread, while the server already
  // answers (health NOT_SERVING). Returns kReady or kFailed; never throws.
  virtual LoadState Load() = 0;

  // Why loading failed, in the original's format; read only after Load returned kFailed.
  virtual std::string InitError() const = 0;

  // Fills everything but `state` and `init_error`, which the runtime sets. Called with the state
  // Load left (kLoading before it returned); the endpoints matter only when kReady.
  virtual void Describe(LoadState state, racetrack::worker::v1::JobDescription& out) const = 0;

  // The job's gauges; an error's text goes into `out.error`. Only called once loaded.
  virtual void CollectMetrics(racetrack::worker::v1::MetricsReply& out) = 0;

  // Runs one JSON call (perform, auxiliary v1) on the calling thread, with `context` current
  // (racetrack::CurrentCall()). Only called once loaded. Never throws. With `count_waits` the
  // backend counts the waits of the job code alone (CallOutcome::job_waits; the Python one after
  // taking the GIL) for the busy lane (dispatch_policy.h).
  virtual CallOutcome Invoke(const racetrack::worker::v1::Call& call, const CallContext& context,
                             bool count_waits) = 0;

  // Answers an HTTP-shaped request (static files, auxiliary v2, webview). Only called once
  // loaded, on a pool thread. False: the job serves none (the RPC is then UNIMPLEMENTED).
  virtual bool Http(const racetrack::worker::v1::HttpRequest& request,
                    racetrack::worker::v1::HttpResponse& response) {
    return false;
  }
};

}  // namespace racetrack::internal
