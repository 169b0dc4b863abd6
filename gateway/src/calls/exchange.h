// One worker-backed request (perform, auxiliary v1/v2, static file, webview) from routing to its
// answer: the single owner of that call's state (id, connection, kind, metric slot, deadline,
// timings). JobCalls creates it when routing picks a worker-backed endpoint and finds it by id:
// the connection and the worker client carry the id, never a pointer to it. Every ending
// (success, job error, client gone, timeout, worker lost, 429, shutdown) goes through Finish(),
// the one place that writes the response and records the call's metrics. Admission is released
// there too, unless the worker still has the call (a timeout, a client gone): then only once the
// worker has let go of it (WorkerDone), so a slot is never handed out twice. Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/errors.h"
#include "http/request.h"
#include "http/response.h"

namespace gw::observability {
class Metrics;
}
namespace gw::server {
class Connection;
}
namespace gw::app {
class Responder;
}

namespace gw::calls {

class AdmissionGate;

enum class ExchangeKind : uint8_t {
  kJsonCall,  // perform and auxiliary v1: the Calls stream, capped, counted as job calls
  kHttpCall,  // auxiliary v2: the Http RPC, capped, counted as job calls
  kStatic,    // static files: the Http RPC, through the static cache; not job calls
  kWebview,   // the webview app: the Http RPC; not job calls
};

// How an exchange ended: the answer (unless the client has gone) and what the metrics record.
struct Outcome {
  int status = 200;
  std::string body;
  std::string_view content_type = http::kJson;
  std::vector<http::Header> headers;
  bool failed = false;        // an error outcome (spec §7.2: counted in request_internal_errors)
  bool rejected = false;      // refused by admission (429)
  double worker_seconds = 0;  // time with the worker; 0 if it never had the call

  static Outcome Error(http::Error error, std::string_view detail = {});
  // The client went away: nothing is written; the original counts such a call as done.
  static Outcome ClientGone();
};

// What Finish() touches; owned by JobCalls.
struct ExchangeServices {
  app::Responder& responder;
  observability::Metrics& metrics;
  AdmissionGate& admission;
};

class Exchange {
 public:
  Exchange(uint64_t id, server::Connection* conn, ExchangeKind kind, uint32_t metrics_endpoint,
           uint64_t arrived_ns, uint64_t deadline_ms);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  uint64_t id() const { return id_; }
  ExchangeKind kind() const { return kind_; }
  bool counts_as_call() const;
  // The client's connection; null once the client has gone (or the answer is written).
  server::Connection* connection() const { return conn_; }
  void ClientGone() { conn_ = nullptr; }
  // uv_now()-based; 0: no deadline.
  uint64_t deadline_ms() const { return deadline_ms_; }
  bool queued() const { return queued_; }
  void set_queued(bool queued) { queued_ = queued; }
  // Static files: the endpoint whose cached bytes the worker's answer revalidates.
  const std::string& static_path() const { return static_path_; }
  void set_static_path(std::string path) { static_path_ = std::move(path); }

  // The call was handed to the worker; WorkerDone() says it has let go of it.
  void set_with_worker() { with_worker_ = true; }
  bool with_worker() const { return with_worker_; }

  // Ends the exchange: metrics, admission (unless the worker still has the call), then the
  // answer. Only the first call counts.
  void Finish(Outcome outcome, ExchangeServices& services);
  // The worker has let go of the call: a finished exchange releases its slot now.
  void WorkerDone(ExchangeServices& services);
  bool finished() const { return finished_; }
  // Finished, with the worker still running the call.
  bool lingering() const { return finished_ && with_worker_; }
  bool reported_stuck() const { return reported_stuck_; }
  void set_reported_stuck() { reported_stuck_ = true; }

 private:
  uint64_t id_;
  server::Connection* conn_;
  ExchangeKind kind_;
  uint32_t metrics_endpoint_;
  uint64_t arrived_ns_;   // uv_hrtime() when routing picked the endpoint
  uint64_t deadline_ms_;  // from arrival: the queue counts too
  bool queued_ = false;
  bool with_worker_ = false;
  bool reported_stuck_ = false;
  bool finished_ = false;
  std::string static_path_;
};

}  // namespace gw::calls
