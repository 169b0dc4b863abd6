#include "calls/job_calls.h"

#include <vector>

#include "api/json_text.h"
#include "app/responder.h"
#include "calls/http_calls.h"
#include "loop/loop.h"
#include "observability/metrics.h"
#include "server/connection.h"

namespace gw::calls {
namespace {

double SecondsSince(uint64_t start_ns) {
  return static_cast<double>(uv_hrtime() - start_ns) * 1e-9;
}

ExchangeKind KindOf(const routing::JobEndpoint& endpoint) {
  switch (endpoint.kind) {
    case routing::EndpointKind::kStatic:
      return ExchangeKind::kStatic;
    case routing::EndpointKind::kWebview:
      return ExchangeKind::kWebview;
    default:
      return endpoint.transport == routing::Transport::kJsonCall ? ExchangeKind::kJsonCall
                                                                 : ExchangeKind::kHttpCall;
  }
}

}  // namespace

JobCalls::JobCalls(Loop& loop, app::Responder& responder, observability::Metrics& metrics,
                   JobCallsOptions options)
    : loop_(loop),
      services_{responder, metrics, admission_},
      metrics_(metrics),
      options_(std::move(options)) {
  uv_timer_init(loop_.uv(), &sweep_timer_);
  sweep_timer_.data = this;
  if (options_.call_timeout_ms > 0) {
    uv_timer_start(
        &sweep_timer_, [](uv_timer_t* t) noexcept { static_cast<JobCalls*>(t->data)->Sweep(); },
        kSweepMs, kSweepMs);
    uv_unref(reinterpret_cast<uv_handle_t*>(&sweep_timer_));
  }
}

JobCalls::~JobCalls() = default;

Exchange& JobCalls::Create(server::Connection* conn, ExchangeKind kind,
                           std::string_view metrics_path) {
  uint64_t id = NewId();
  uint32_t slot = 0;
  if (kind == ExchangeKind::kJsonCall || kind == ExchangeKind::kHttpCall) {
    slot = metrics_.Endpoint(metrics_path);
    metrics_.OnCallStarted(slot);
  }
  uint64_t deadline =
      options_.call_timeout_ms > 0 ? uv_now(loop_.uv()) + options_.call_timeout_ms : 0;
  auto exchange = std::make_unique<Exchange>(id, conn, kind, slot, uv_hrtime(), deadline);
  conn->pending_tag = id;  // how the connection's abandonment finds the exchange
  Exchange& ref = *exchange;
  exchanges_.emplace(id, std::move(exchange));
  return ref;
}

template <typename Start>
void JobCalls::Admit(Exchange& exchange, Start&& start) {
  uint64_t id = exchange.id();
  auto run = [this, id, admitted_ns = uv_hrtime(), start = std::forward<Start>(start)]() mutable {
    auto it = exchanges_.find(id);
    if (it == exchanges_.end()) return;
    it->second->set_queued(false);
    metrics_.OnQueueWait(SecondsSince(admitted_ns));
    start(*it->second);
  };
  switch (admission_.Admit(id, std::move(run))) {
    case AdmissionGate::Result::kStarted:
      return;  // `exchange` may have ended already: not touched again
    case AdmissionGate::Result::kQueued:
      exchange.set_queued(true);
      return;
    case AdmissionGate::Result::kRejected:
      End(id, Outcome::Error(http::Error::kTooManyRequests, admission_.RejectionMessage()));
      return;
  }
}

bool JobCalls::TimeLeft(const Exchange& exchange, uint32_t* timeout_ms) const {
  *timeout_ms = 0;
  if (exchange.deadline_ms() == 0) return true;
  uint64_t now = uv_now(loop_.uv());
  if (now >= exchange.deadline_ms()) return false;
  *timeout_ms = static_cast<uint32_t>(exchange.deadline_ms() - now);
  return true;
}

void JobCalls::StartJsonCall(server::Connection* conn, http::Request& request,
                             std::string_view endpoint, const std::optional<std::string>& example) {
  api::BodyCheck check = body_checker_.Check(request.FindHeader("content-type"), request.body);
  std::string payload;
  switch (check.verdict) {
    case api::BodyVerdict::kInvalid:
      services_.responder.Respond(conn, check.status, check.error_body);
      return;
    case api::BodyVerdict::kUseExample:
      payload = example.value_or("{}");
      break;
    case api::BodyVerdict::kObject:
      payload = std::move(request.body);
      break;
  }
  Exchange& exchange = Create(conn, ExchangeKind::kJsonCall, endpoint);
  // The call waits here for a slot of the concurrency cap (the connection stays busy meanwhile,
  // so `request` stays valid).
  Admit(exchange, [this, &request, endpoint = std::string(endpoint),
                   payload = std::move(payload)](Exchange& admitted) mutable {
    uint32_t timeout_ms;
    if (!TimeLeft(admitted, &timeout_ms)) {
      End(admitted.id(), Outcome::Error(http::Error::kTimeout,
                                        "the call did not start within its timeout of " +
                                            std::to_string(options_.call_timeout_ms) + " ms"));
      return;
    }
    admitted.set_with_worker();
    worker_->StartCall(admitted.id(), endpoint, std::move(payload), request, timeout_ms);
  });
}

void JobCalls::StartHttpCall(server::Connection* conn, http::Request& request,
                             std::string_view prefix, const routing::JobEndpoint& endpoint) {
  ExchangeKind kind = KindOf(endpoint);
  Exchange& exchange = Create(conn, kind, endpoint.path);
  if (kind == ExchangeKind::kStatic) exchange.set_static_path(endpoint.path);
  // The endpoint is copied: the route table may change while the call waits for a slot.
  auto start = [this, &request, prefix = std::string(prefix), endpoint](Exchange& admitted) {
    uint32_t timeout_ms;
    if (!TimeLeft(admitted, &timeout_ms)) {
      End(admitted.id(), Outcome::Error(http::Error::kTimeout));
      return;
    }
    admitted.set_with_worker();
    worker_->StartHttp(admitted.id(),
                       BuildHttpCall(request, prefix, endpoint, options_.base_url, static_cache_),
                       timeout_ms);
  };
  if (kind != ExchangeKind::kHttpCall) {
    start(exchange);  // static files and the webview are not job calls: no cap (spec §8)
    return;
  }
  Admit(exchange, std::move(start));  // auxiliary v2 is capped like perform
}

void JobCalls::Abandon(uint64_t id) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  it->second->ClientGone();
  if (it->second->with_worker()) worker_->Cancel(id);
  End(id, Outcome::ClientGone());
}

void JobCalls::OnCallDone(uint64_t id, forward::CallResult& result) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  Exchange& exchange = *it->second;
  if (result.worker_done) exchange.WorkerDone(services_);
  if (!exchange.finished()) {
    End(id, OutcomeOf(exchange, result));
    return;
  }
  if (!exchange.with_worker()) {  // a lingering call has ended at last: its slot is free now
    exchanges_.erase(it);
    if (on_finished_) on_finished_();
  }
}

Outcome JobCalls::OutcomeOf(const Exchange& exchange, forward::CallResult& result) {
  using forward::CallEnd;
  switch (result.end) {
    case CallEnd::kAnswered: {
      if (exchange.kind() != ExchangeKind::kJsonCall && exchange.connection() != nullptr) {
        return HttpOutcome(exchange, result, exchange.connection()->current(), static_cache_);
      }
      Outcome out;
      out.body = std::move(result.body);
      out.worker_seconds = result.worker_seconds;
      return out;
    }
    case CallEnd::kJobError: {
      Outcome out;
      out.status = result.status;
      out.body = api::ErrorBody(result.message, result.error_type);
      out.failed = true;
      out.worker_seconds = result.worker_seconds;
      return out;
    }
    case CallEnd::kNotReady:
      return Outcome::Error(http::Error::kJobNotReady);
    case CallEnd::kWorkerLost:
      return Outcome::Error(http::Error::kWorkerUnavailable, result.message);
    case CallEnd::kTimeout:
      return Outcome::Error(http::Error::kTimeout, result.message);
    case CallEnd::kShutdown:
      break;
  }
  return Outcome::Error(http::Error::kShuttingDown, result.message);
}

void JobCalls::End(uint64_t id, Outcome outcome) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  Exchange& exchange = *it->second;  // stays put while the table grows
  // Answering may start other exchanges (the next queued call, the connection's next pipelined
  // request): the table is looked up again afterwards.
  exchange.Finish(std::move(outcome), services_);
  // A call the worker still runs stays (lingering, holding its slot) until its end arrives.
  if (!exchange.with_worker()) exchanges_.erase(id);
  if (on_finished_) on_finished_();
}

// A queued exchange whose deadline passed gets its 504 now, without ever reaching the worker. A
// call the worker still runs long after its deadline (and its cancellation) is stuck: the
// watchdog is told once.
void JobCalls::Sweep() {
  uint64_t now = uv_now(loop_.uv());
  std::vector<uint64_t> expired;
  std::vector<uint64_t> stuck;
  for (const auto& [id, exchange] : exchanges_) {
    uint64_t deadline = exchange->deadline_ms();
    if (deadline == 0 || deadline > now) continue;
    if (exchange->queued()) expired.push_back(id);
    if (exchange->lingering() && !exchange->reported_stuck() &&
        now - deadline >= options_.stuck_grace_ms) {
      exchange->set_reported_stuck();
      stuck.push_back(id);
    }
  }
  for (uint64_t id : stuck) {
    if (on_stuck_) on_stuck_(id);
  }
  for (uint64_t id : expired) {
    End(id, Outcome::Error(http::Error::kTimeout,
                           "the call waited for a free slot longer than its timeout of " +
                               std::to_string(options_.call_timeout_ms) + " ms"));
  }
}

void JobCalls::EndAll(http::Error error) {
  std::vector<uint64_t> ids;
  ids.reserve(exchanges_.size());
  for (const auto& [id, exchange] : exchanges_) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = exchanges_.find(id);
    if (it == exchanges_.end() || it->second->finished()) continue;
    if (it->second->with_worker()) worker_->Cancel(id);
    End(id, Outcome::Error(error));
  }
}

void JobCalls::Close(std::function<void()> done) {
  closed_ = std::move(done);
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_timer_), [](uv_handle_t* h) noexcept {
    auto* self = static_cast<JobCalls*>(h->data);
    std::exchange(self->closed_, nullptr)();
  });
}

}  // namespace gw::calls
