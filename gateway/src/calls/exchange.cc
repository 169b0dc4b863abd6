#include "calls/exchange.h"

#include <uv.h>

#include "app/responder.h"
#include "calls/admission_gate.h"
#include "observability/metrics.h"

namespace gw::calls {

Outcome Outcome::Error(http::Error error, std::string_view detail) {
  Outcome out;
  out.status = http::Spec(error).status;
  out.body = http::ErrorBody(error, detail);
  http::AppendErrorHeaders(error, &out.headers);
  out.failed = true;
  out.rejected = error == http::Error::kTooManyRequests;
  return out;
}

Outcome Outcome::ClientGone() {
  Outcome out;
  out.status = 0;
  return out;
}

Exchange::Exchange(uint64_t id, server::Connection* conn, ExchangeKind kind,
                   uint32_t metrics_endpoint, uint64_t arrived_ns, uint64_t deadline_ms)
    : id_(id),
      conn_(conn),
      kind_(kind),
      metrics_endpoint_(metrics_endpoint),
      arrived_ns_(arrived_ns),
      deadline_ms_(deadline_ms) {}

bool Exchange::counts_as_call() const {
  return kind_ == ExchangeKind::kJsonCall || kind_ == ExchangeKind::kHttpCall;
}

void Exchange::Finish(Outcome outcome, ExchangeServices& services) {
  if (finished_) return;
  finished_ = true;
  if (counts_as_call()) {
    double seconds = static_cast<double>(uv_hrtime() - arrived_ns_) * 1e-9;
    services.metrics.OnCallDone(metrics_endpoint_, seconds, outcome.failed);
    if (outcome.worker_seconds > 0) services.metrics.OnWorkerCallDone(outcome.worker_seconds);
    if (outcome.status == 500) services.metrics.OnInternalServerError();
    if (outcome.rejected) services.metrics.OnRejected();
  }
  // Before the answer, which may dispatch the connection's next request into a free slot.
  if (!with_worker_) services.admission.Release(id_);
  if (server::Connection* conn = std::exchange(conn_, nullptr); conn != nullptr) {
    services.responder.Respond(conn, outcome.status, outcome.body, outcome.content_type,
                               std::move(outcome.headers));
  }
}

void Exchange::WorkerDone(ExchangeServices& services) {
  if (!with_worker_) return;
  with_worker_ = false;
  if (finished_) services.admission.Release(id_);
}

}  // namespace gw::calls
