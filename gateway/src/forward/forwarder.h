// The gateway's side of the worker contract, as the loop sees it. Knows whether the worker is
// ready, starts calls and delivers their outcomes on the loop thread. How calls travel (batched
// messages on one long-lived gRPC stream) is hidden here; no gRPC header leaks out of it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace grpc {
class Channel;
}

namespace gw {
class Loop;
}

namespace gw::forward {

// One endpoint the worker lists in Describe (the proto's Endpoint, without gRPC types).
struct EndpointDescription {
  enum class Kind : uint8_t { kUnspecified, kPerform, kAuxiliary, kStatic, kWebview };
  std::string path;  // relative to /api/v1, e.g. "/perform", "/explain"
  std::vector<std::string> methods;
  Kind kind = Kind::kUnspecified;
  std::string summary;
  std::string description;
  std::optional<std::string> input_example_json;
  std::string mimetype;
  std::string openapi_operation_json;  // empty: the gateway describes the endpoint itself
  bool path_template = false;
};

// What the worker told us about its job once it became ready.
struct JobDescription {
  std::string class_name;
  std::optional<std::string> perform_example_json;
  std::string parameters_json;
  uint32_t max_concurrency = 0;
  std::string sdk;
  std::vector<EndpointDescription> endpoints;  // in the worker's order (perform first)
};

// The answer to a call: an HTTP status and a JSON body (the job's result or an error body).
struct CallOutcome {
  int status = 200;
  std::string body;
  std::string_view error_type;  // empty on success; static storage
  double worker_seconds = 0;    // from sending the call to the worker's reply; 0 if none came
};

class CallSink {
 public:
  virtual ~CallSink() = default;
  // Runs on the loop thread, once per call that was not cancelled.
  virtual void OnCallDone(void* context, CallOutcome& outcome) = 0;
};

class WorkerObserver {
 public:
  virtual ~WorkerObserver() = default;
  virtual void OnWorkerReady(const JobDescription& description) = 0;
  // Init failure: the job could not be constructed. `error` is in the original's format.
  virtual void OnWorkerFailed(const std::string& error) = 0;
  // The worker stopped answering (stream broken, process gone): no longer ready.
  virtual void OnWorkerLost(const std::string& reason) = 0;
};

struct ForwarderOptions {
  std::string address;  // gRPC target, e.g. "unix:/run/x/worker.sock" or "127.0.0.1:7001"
  int max_message_bytes = 64 * 1024 * 1024;
  uint32_t call_timeout_ms = 0;     // 0: none
  uint64_t poll_interval_ms = 100;  // readiness polling while the worker is not ready
};

class Forwarder {
 public:
  Forwarder(Loop& loop, ForwarderOptions options, WorkerObserver* observer);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Starts watching the worker: polls readiness, then opens the call stream.
  void Start();
  // The worker is gone (e.g. its process exited): fail in-flight calls at once with `reason`,
  // drop the stream and the channel, and poll readiness again.
  void Reset(const std::string& reason);
  // Stops everything; in-flight calls fail. Blocks until gRPC has let go of every callback.
  void Shutdown();

  bool ready() const;
  const JobDescription* description() const;
  size_t in_flight() const;
  // The current channel to the worker (replaced on Reset), for unary RPCs made beside the
  // forwarder (e.g. JobMetricsClient). Null before Start.
  std::shared_ptr<grpc::Channel> channel() const;

  // Starts a call on a ready worker. Returns its id; the outcome reaches `sink` with `context`.
  uint64_t StartCall(std::string_view endpoint, std::string&& payload_json,
                     const http::Request& request, CallSink* sink, void* context);
  // The caller no longer waits: the outcome will not be delivered.
  void CancelCall(uint64_t id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::forward
