// The gateway's view of its worker, whatever carries the calls: start and cancel calls, make
// HTTP-shaped calls, collect the job's gauges, and hear when the worker becomes ready, fails to
// load or goes away. forward/grpc_worker_client.h implements it over gRPC; nothing outside
// forward/ sees gRPC. Every method and every callback runs on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "forward/job_description.h"
#include "http/request.h"
#include "observability/metrics.h"

namespace gw::forward {

// How a call ended, as the worker or the transport reports it. Bodies of gateway errors are
// rendered by the answering code (http/errors.h), not here.
enum class CallEnd : uint8_t {
  kAnswered,    // the job answered: `status`, `body` (and `headers` for an HTTP-shaped call)
  kJobError,    // the job raised: `status`, `error_type`, `message`
  kNotReady,    // no ready worker could take it
  kWorkerLost,  // the worker went away with the call; `message` says why
  kTimeout,     // the call outlived its deadline
  kShutdown,    // the gateway is stopping
};

struct CallResult {
  CallEnd end = CallEnd::kAnswered;
  int status = 200;
  std::string body;
  std::vector<http::Header> headers;  // HTTP-shaped calls: lower-case names, content-type too
  std::string error_type;             // kJobError
  std::string message;                // kJobError, kWorkerLost
  double worker_seconds = 0;          // from sending the call to the reply; 0 if none came
  // The worker has let go of the call (it answered, or it is gone). False only for a verdict
  // the gateway reached while the worker still runs the call (a deadline): then the call's end
  // follows as a second result, with worker_done set.
  bool worker_done = true;
};

// A call that is not JSON in, JSON out (static files, webview, auxiliary v2).
struct HttpCall {
  std::string endpoint;  // the endpoint path from Describe, e.g. "/xrai" or "/webview"
  std::string method;
  std::string path;  // without the /pub/job/{n}/{v} prefix
  std::string query;
  std::vector<http::Header> headers;
  std::string body;
  std::string base_url;   // e.g. "/pub/job/primer/0.0.1"
  std::string root_path;  // the prefix of this request as received
};

// Where call results go: the owner of the exchanges, which finds each by its id.
class CallSink {
 public:
  virtual ~CallSink() = default;
  // Once per started call with worker_done set (its end), and before that at most once with
  // worker_done unset (the gateway's own verdict, e.g. its deadline passed).
  virtual void OnCallDone(uint64_t id, CallResult& result) = 0;
};

// The worker's lifecycle as the transport sees it.
class WorkerEvents {
 public:
  virtual ~WorkerEvents() = default;
  virtual void OnWorkerReady(const JobDescription& description) = 0;
  // Init failure: the job could not be constructed. `error` is in the original's format.
  virtual void OnWorkerFailed(const std::string& error) = 0;
  // The worker stopped answering (stream broken, process gone): no longer ready.
  virtual void OnWorkerLost(const std::string& reason) = 0;
  // The worker has been unreachable for a while (e.g. a socket of another uid): why; "" once
  // it is reachable again.
  virtual void OnWorkerUnreachable(const std::string& reason) = 0;
};

class WorkerClient {
 public:
  using GaugesDone = std::function<void(std::vector<observability::JobGauge>)>;

  virtual ~WorkerClient() = default;

  // Starts watching the worker: readiness first, then the call stream.
  virtual void Start() = 0;
  // The worker process is gone: its calls end with kWorkerLost and readiness is watched again.
  virtual void Reset(const std::string& reason) = 0;
  // Ends every call with kShutdown and cancels every RPC; `done` runs once the transport has
  // let go of everything (never blocks the loop).
  virtual void Shutdown(std::function<void()> done) = 0;

  virtual bool ready() const = 0;
  // The ready worker's description; null while not ready.
  virtual const JobDescription* description() const = 0;
  // Calls started and not yet ended.
  virtual size_t in_flight() const = 0;
  // uv_now() when the worker last ended a call on the stream (or the stream opened): with calls
  // in flight and no progress for long, the worker is wedged.
  virtual uint64_t last_progress_ms() const = 0;

  // Perform and auxiliary v1: `payload_json` is an object the gateway has checked. The result
  // reaches the sink under `id`, which must be unique among live calls. timeout_ms 0: none.
  virtual void StartCall(uint64_t id, std::string_view endpoint, std::string&& payload_json,
                         const http::Request& request, uint32_t timeout_ms) = 0;
  // An HTTP-shaped call; its result reaches the sink under `id`. timeout_ms 0: a default.
  virtual void StartHttp(uint64_t id, HttpCall&& call, uint32_t timeout_ms) = 0;
  // The caller no longer waits for call `id` (either kind): the worker is asked to stop it (the
  // job sees the cancellation), and its end is still reported, so that whatever the call held
  // (a concurrency slot) is released only once the worker has really let go of it.
  virtual void Cancel(uint64_t id) = 0;
  // The job's own gauges; `done` runs exactly once, with nothing if the worker cannot say.
  virtual void CollectGauges(GaugesDone done) = 0;
};

}  // namespace gw::forward
