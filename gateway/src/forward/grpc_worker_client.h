// The WorkerClient over gRPC: a ReadinessWatcher until the worker is ready, then a CallMux for
// perform and auxiliary calls on one batched stream, and unary RPCs (UnaryCalls) for Http and
// Metrics, all on one WorkerLink per worker incarnation. This header is all the rest of the
// gateway sees: no gRPC type leaves forward/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "forward/worker_client.h"

namespace gw {
class Loop;
}

namespace gw::forward {

struct WorkerClientOptions {
  std::string address;  // gRPC target, e.g. "unix:/run/x/worker.sock" or "127.0.0.1:7001"
  int max_message_bytes = 64 * 1024 * 1024;
  uint64_t poll_interval_ms = 100;  // readiness polling while the worker is not ready
};

inline constexpr uint32_t kDefaultHttpTimeoutMs = 60'000;  // every RPC carries a deadline
inline constexpr uint32_t kGaugesTimeoutMs = 2'000;

// Starts gRPC and the thread every gRPC operation completes on, with gRPC's poll() poller unless
// GRPC_POLL_STRATEGY says otherwise: gRPC's epoll poller also waits for each socket to become
// writable, and a unix socket becomes so again every time the worker reads from it, which woke the
// completion thread once more per call. The gateway's main() calls it before spawning workers;
// in-process users (tests) keep gRPC's default.
void StartCompletions();

// Ends the thread every gRPC operation completes on, once none is left: after the loop has run
// out (every client shut down). Later clients start it again.
void StopCompletions();

std::unique_ptr<WorkerClient> MakeGrpcWorkerClient(Loop& loop, WorkerClientOptions options,
                                                   WorkerEvents* events, CallSink* sink);

}  // namespace gw::forward
