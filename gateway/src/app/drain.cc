#include "app/drain.h"

#include <csignal>
#include <string>

#include "api/probes.h"
#include "app/responder.h"
#include "app/worker_lifecycle.h"
#include "calls/job_calls.h"
#include "loop/loop.h"
#include "observability/log.h"
#include "server/listener.h"

namespace gw::app {

Drain::Drain(Loop& loop, uint64_t timeout_ms, Parts parts, std::function<void()> on_stopped)
    : loop_(loop), timeout_ms_(timeout_ms), parts_(parts), on_stopped_(std::move(on_stopped)) {
  uv_signal_init(loop_.uv(), &sigterm_);
  uv_signal_init(loop_.uv(), &sigint_);
  uv_timer_init(loop_.uv(), &timer_);
  sigterm_.data = sigint_.data = timer_.data = this;
  open_handles_ = 3;
}

void Drain::Arm() {
  auto on_signal = [](uv_signal_t* handle, int signum) noexcept {
    log::Info("received signal " + std::to_string(signum) + ", shutting down...");
    static_cast<Drain*>(handle->data)->Begin();
  };
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
  uv_signal_start(&sigint_, on_signal, SIGINT);
}

void Drain::Begin() {
  if (draining_) return;
  draining_ = true;
  parts_.responder.set_draining(true);
  parts_.probes.SetReady(false);
  parts_.listener.Stop();
  parts_.listener.connections().CloseAllWhenIdle();
  deadline_ms_ = uv_now(loop_.uv()) + timeout_ms_;
  uv_timer_start(
      &timer_, [](uv_timer_t* t) noexcept { static_cast<Drain*>(t->data)->Check(); }, 0, kPollMs);
}

void Drain::Check() {
  if (!draining_ || finishing_) return;
  bool idle = parts_.job_calls.active() == 0 && parts_.listener.connections().size() == 0;
  if (!idle && uv_now(loop_.uv()) < deadline_ms_) return;
  if (!idle) log::Warn("drain timeout: failing the calls still in flight");
  Finish();
}

void Drain::Finish() {
  finishing_ = true;
  uv_timer_stop(&timer_);
  parts_.job_calls.EndAll(http::Error::kShuttingDown);
  parts_.listener.connections().CloseAllWhenIdle();
  parts_.lifecycle.Stop([this] { CloseHandles(); });
}

void Drain::CloseHandles() {
  for (auto* h :
       {reinterpret_cast<uv_handle_t*>(&sigterm_), reinterpret_cast<uv_handle_t*>(&sigint_),
        reinterpret_cast<uv_handle_t*>(&timer_)}) {
    uv_close(h, &Drain::OnHandleClosed);
  }
}

void Drain::OnHandleClosed(uv_handle_t* handle) noexcept {
  auto* self = static_cast<Drain*>(handle->data);
  if (--self->open_handles_ == 0) self->on_stopped_();
}

}  // namespace gw::app
