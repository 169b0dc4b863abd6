#include "forward/readiness_watcher.h"

#include "forward/proto_translate.h"
#include "forward/socket_problem.h"
#include "observability/log.h"

namespace gw::forward {
namespace {

using HealthRpc = UnaryRpc<health::HealthCheckRequest, health::HealthCheckResponse>;
using DescribeRpc = UnaryRpc<pb::DescribeRequest, pb::JobDescription>;

}  // namespace

ReadinessWatcher::ReadinessWatcher(Loop& loop, UnaryCalls& rpcs, uint64_t poll_interval_ms,
                                   Callbacks callbacks)
    : loop_(loop),
      rpcs_(rpcs),
      poll_interval_ms_(poll_interval_ms),
      callbacks_(std::move(callbacks)) {
  uv_timer_init(loop_.uv(), &timer_);
  timer_.data = this;
}

void ReadinessWatcher::Watch(std::shared_ptr<WorkerLink> link) {
  link_ = std::move(link);
  ++generation_;
  watching_ = true;
  init_failed_ = false;
  wait_next_ = false;
  OnReachable();
  Schedule(0);
}

void ReadinessWatcher::Stop() {
  ++generation_;
  watching_ = false;
  uv_timer_stop(&timer_);
}

void ReadinessWatcher::Schedule(uint64_t delay_ms) {
  if (!watching_) return;
  uv_timer_start(
      &timer_, [](uv_timer_t* t) noexcept { static_cast<ReadinessWatcher*>(t->data)->Poll(); },
      delay_ms, 0);
}

// A probe that fails fast says why the worker cannot be reached. The wait between two such probes
// is itself a probe that waits for the connection (wait_for_ready) for that long, so that gRPC's
// poll() poller (forward/completion_thread.cc) polls the connection being set up: it polls a
// socket only for an operation waiting on it, and a channel that failed stays in
// TRANSIENT_FAILURE until it is connected again, so probes that fail fast never wait on it. It
// also answers as soon as a starting worker listens.
void ReadinessWatcher::Poll() {
  if (!watching_) return;
  auto rpc = std::make_shared<HealthRpc>();
  rpc->link = link_;
  uint64_t gen = generation_;
  const bool waiting = std::exchange(wait_next_, false);
  const uint64_t interval_ms = init_failed_ ? kFailedPollIntervalMs : poll_interval_ms_;
  rpcs_.Run(
      rpc, waiting ? std::chrono::milliseconds(interval_ms) : kProbeDeadline,
      [link = link_.get(), waiting](auto* context, const auto& request) {
        context->set_wait_for_ready(waiting);
        return link->health->PrepareAsyncCheck(context, request, link->queue);
      },
      [this, gen, waiting, interval_ms](HealthRpc& done) {
        if (gen != generation_) return;
        if (!done.status.ok()) {
          if (waiting && done.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
            Schedule(0);  // no connection meanwhile: ask why, failing fast
            return;
          }
          OnUnreachable(done.status);
          if (waiting) {
            Schedule(interval_ms);
          } else {
            wait_next_ = true;
            Schedule(0);
          }
          return;
        }
        OnReachable();
        if (done.response.status() != health::HealthCheckResponse::SERVING && init_failed_) {
          Schedule(kFailedPollIntervalMs);
          return;
        }
        Describe(gen, done.response.status() == health::HealthCheckResponse::SERVING);
      });
}

void ReadinessWatcher::Describe(uint64_t gen, bool serving) {
  auto describe = std::make_shared<DescribeRpc>();
  describe->link = link_;
  rpcs_.Run(
      describe, kProbeDeadline,
      [link = link_.get()](auto* context, const auto& request) {
        return link->worker->PrepareAsyncDescribe(context, request, link->queue);
      },
      [this, gen, serving](DescribeRpc& described) {
        if (gen != generation_) return;
        if (!described.status.ok()) {
          Schedule(poll_interval_ms_);
          return;
        }
        if (!serving && described.response.state() == pb::WORKER_STATE_READY) {
          Schedule(poll_interval_ms_);  // Describe raced ahead of Health: ask again
          return;
        }
        OnDescribed(described.response);
      });
}

void ReadinessWatcher::OnDescribed(pb::JobDescription& d) {
  if (d.state() == pb::WORKER_STATE_FAILED && !init_failed_) {
    init_failed_ = true;
    callbacks_.on_failed(d.init_error());
  }
  if (d.state() != pb::WORKER_STATE_READY) {
    Schedule(init_failed_ ? kFailedPollIntervalMs : poll_interval_ms_);
    return;
  }
  watching_ = false;
  callbacks_.on_ready(DescriptionFromProto(d));
}

// A worker that starts up is briefly unreachable (its socket does not exist yet): only one that
// stays so is reported, with gRPC's reason (e.g. "Permission denied" for a socket of another
// uid), and again now and then while it lasts.
void ReadinessWatcher::OnUnreachable(const grpc::Status& status) {
  uint64_t now = uv_now(loop_.uv());
  if (unreachable_since_ms_ == 0) unreachable_since_ms_ = now;
  if (now - unreachable_since_ms_ < kReportUnreachableAfterMs) return;
  // A unix socket says more than gRPC does (its mode and owner against the gateway's uid).
  std::string problem = UnixSocketProblem(link_->address);
  if (problem.empty()) {
    problem = "cannot reach the worker at " + link_->address + ": " + status.error_message();
  }
  if (problem == unreachable_ && now - reported_at_ms_ < kReportEveryMs) return;
  reported_at_ms_ = now;
  unreachable_ = std::move(problem);
  log::Error(unreachable_);
  callbacks_.on_unreachable(unreachable_);
}

void ReadinessWatcher::OnReachable() {
  bool was_reported = reported_at_ms_ != 0;
  unreachable_since_ms_ = 0;
  reported_at_ms_ = 0;
  unreachable_.clear();
  if (!was_reported) return;
  log::Info("the worker at " + link_->address + " accepts connections now");
  callbacks_.on_unreachable(unreachable_);
}

void ReadinessWatcher::Close(std::function<void()> done) {
  Stop();
  closed_ = std::move(done);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), [](uv_handle_t* h) noexcept {
    auto* self = static_cast<ReadinessWatcher*>(h->data);
    std::exchange(self->closed_, nullptr)();
  });
}

}  // namespace gw::forward
