// Owns every worker-backed request in flight as an Exchange, by id: starts each one (perform and
// auxiliary calls pass admission first), hears its result from the WorkerClient by id, and ends
// each one through Exchange::Finish: answered, failed, timed out (the deadline counts from
// arrival, so a request whose time ran out in the queue never reaches the worker), rejected
// (429), abandoned by its client, or cut by shutdown. Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/json_body.h"
#include "api/static_cache.h"
#include "calls/admission_gate.h"
#include "calls/exchange.h"
#include "forward/worker_client.h"
#include "routing/job_routes.h"

namespace gw {
class Loop;
}

namespace gw::calls {

struct JobCallsOptions {
  uint32_t call_timeout_ms = 0;  // 0: none
  std::string base_url;          // "/pub/job/{name}/{version}", for webview apps
  // A call still running this long after its deadline (it was cancelled then) is stuck.
  uint64_t stuck_grace_ms = 10'000;
};

class JobCalls : public forward::CallSink {
 public:
  static constexpr uint64_t kSweepMs = 50;

  JobCalls(Loop& loop, app::Responder& responder, observability::Metrics& metrics,
           JobCallsOptions options);
  ~JobCalls() override;
  JobCalls(const JobCalls&) = delete;
  JobCalls& operator=(const JobCalls&) = delete;

  void SetWorker(forward::WorkerClient* worker) { worker_ = worker; }
  void SetLimits(admission::AdmissionLimits limits) { admission_.SetLimits(limits); }
  // An exchange ended: the drain may be over.
  void SetOnFinished(std::function<void()> fn) { on_finished_ = std::move(fn); }
  // A call outlived its deadline by stuck_grace_ms and did not end when cancelled (the watchdog).
  void SetOnStuck(std::function<void(uint64_t id)> fn) { on_stuck_ = std::move(fn); }

  // Perform and auxiliary v1: checks the JSON body (empty or null → `example`) and calls
  // `endpoint` over the Calls stream, after admission. The one path for JSON calls, so they
  // share every limit.
  void StartJsonCall(server::Connection* conn, http::Request& request, std::string_view endpoint,
                     const std::optional<std::string>& example);
  // Static files, the webview and auxiliary v2 (after admission): the Http RPC.
  void StartHttpCall(server::Connection* conn, http::Request& request, std::string_view prefix,
                     const routing::JobEndpoint& endpoint);
  // The client of exchange `id` went away: the call is cancelled (or leaves the queue).
  void Abandon(uint64_t id);
  // forward::CallSink
  void OnCallDone(uint64_t id, forward::CallResult& result) override;

  // A fresh id for an exchange or anything else a connection may be waiting on (one sequence,
  // so an abandoned connection's id means one thing).
  uint64_t NewId() { return ++next_id_; }
  // The worker changed: its static files may have too.
  void ClearStaticCache() { static_cache_.Clear(); }
  // Exchanges not yet ended, including answered calls the worker still runs.
  size_t active() const { return exchanges_.size(); }
  size_t queued() const { return admission_.queued(); }
  // Ends every exchange still open with `error` (the drain ran out of time).
  void EndAll(http::Error error);
  // Closes the queue-sweep timer; `done` runs from its close callback.
  void Close(std::function<void()> done);

 private:
  Exchange& Create(server::Connection* conn, ExchangeKind kind, std::string_view metrics_path);
  // Admission, then `start`; a refused exchange ends with 429 here.
  template <typename Start>
  void Admit(Exchange& exchange, Start&& start);
  // Time left before the exchange's deadline (0: none); false if it has already passed.
  bool TimeLeft(const Exchange& exchange, uint32_t* timeout_ms) const;
  void End(uint64_t id, Outcome outcome);
  Outcome OutcomeOf(const Exchange& exchange, forward::CallResult& result);
  void Sweep();

  Loop& loop_;
  ExchangeServices services_;
  observability::Metrics& metrics_;
  JobCallsOptions options_;
  forward::WorkerClient* worker_ = nullptr;
  AdmissionGate admission_;
  api::JsonBodyChecker body_checker_;
  api::StaticCache static_cache_;
  std::unordered_map<uint64_t, std::unique_ptr<Exchange>> exchanges_;
  uint64_t next_id_ = 0;
  uv_timer_t sweep_timer_;
  std::function<void()> closed_;
  std::function<void()> on_finished_;
  std::function<void(uint64_t)> on_stuck_;
};

}  // namespace gw::calls
