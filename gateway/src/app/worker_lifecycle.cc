#include "app/worker_lifecycle.h"

#include <uv.h>

#include "api/probes.h"
#include "app/responder.h"
#include "calls/job_calls.h"
#include "config/config.h"
#include "config/job_config.h"
#include "docs/docs_site.h"
#include "forward/grpc_worker_client.h"
#include "loop/loop.h"
#include "observability/log.h"
#include "routing/job_routes.h"
#include "supervise/supervisor.h"

namespace gw::app {

WorkerLifecycle::WorkerLifecycle(Loop& loop, const config::Config& config,
                                 const config::JobConfig& job, Parts parts)
    : loop_(loop), config_(config), job_(job), parts_(parts) {
  uv_timer_init(loop_.uv(), &stall_timer_);
  stall_timer_.data = this;
}

WorkerLifecycle::~WorkerLifecycle() = default;

bool WorkerLifecycle::Start(std::string* error) {
  address_ = config_.worker_address;
  if (!config_.worker_command.empty()) {
    supervise::Supervisor::Callbacks callbacks;
    callbacks.on_exit = [this](const std::string& reason) { OnWorkerExit(reason); };
    supervisor_ = std::make_unique<supervise::Supervisor>(loop_.uv(), config_.worker_command,
                                                          std::move(callbacks));
    supervisor_->SetExtraEnvironment(job_.WorkerEnvironment());
    if (!supervisor_->Prepare(error)) return false;
    address_ = supervisor_->address();
  }
  forward::WorkerClientOptions options;
  options.address = address_;
  options.max_message_bytes = config_.max_message_bytes;
  worker_ = forward::MakeGrpcWorkerClient(loop_, options, this, &parts_.job_calls);
  parts_.job_calls.SetWorker(worker_.get());
  if (supervisor_) {
    if (int rc = supervisor_->Start(); rc != 0) {
      *error = "cannot start the worker '" + config_.worker_command[0] + "': " + uv_strerror(rc);
      return false;
    }
  }
  worker_->Start();
  if (config_.stall_timeout_ms > 0) {
    uv_timer_start(
        &stall_timer_,
        [](uv_timer_t* t) noexcept { static_cast<WorkerLifecycle*>(t->data)->CheckStall(); },
        kStallCheckMs, kStallCheckMs);
    uv_unref(reinterpret_cast<uv_handle_t*>(&stall_timer_));
  }
  return true;
}

void WorkerLifecycle::Stop(std::function<void()> done) {
  stopped_ = std::move(done);
  auto close_timer = [this] {
    uv_close(reinterpret_cast<uv_handle_t*>(&stall_timer_), [](uv_handle_t* h) noexcept {
      std::exchange(static_cast<WorkerLifecycle*>(h->data)->stopped_, nullptr)();
    });
  };
  auto stop_supervisor = [this, done = std::move(close_timer)] {
    if (supervisor_) {
      supervisor_->Stop(done);
    } else {
      done();
    }
  };
  if (worker_) {
    worker_->Shutdown(std::move(stop_supervisor));
  } else {
    stop_supervisor();
  }
}

uint64_t WorkerLifecycle::restarts() const { return supervisor_ ? supervisor_->restarts() : 0; }

void WorkerLifecycle::OnWorkerReady(const forward::JobDescription& description) {
  const config::ManifestLoad& manifest = job_.manifest;
  parts_.view.perform_example = description.perform_example_json;
  parts_.job_routes.Set(routing::JobEndpointsFrom(description.endpoints));
  parts_.job_calls.ClearStaticCache();
  parts_.probes.SetInitError(manifest.error);
  parts_.probes.SetFault(std::nullopt);  // a new incarnation: whatever wedged the last is gone
  if (manifest.error) return;            // the job stays failed: /live 500, /ready 500
  parts_.view.root_location = job_.identity.base_url + manifest.manifest.home_page;
  parts_.docs.OnWorkerReady(description, job_.identity);  // env, else manifest, else placeholders
  parts_.probes.SetJobName(job_.identity.name);
  parts_.probes.SetReady(!parts_.responder.draining());
  // The worker logs "loaded job class" itself; this line says what the gateway now forwards to.
  log::Info("worker ready: " + description.class_name + " (" + description.sdk + ", runs " +
            std::to_string(description.max_concurrency) + " calls at once)");
  log::Info("Server is ready");
}

void WorkerLifecycle::OnWorkerFailed(const std::string& error) {
  parts_.probes.SetInitError(job_.manifest.error ? job_.manifest.error : error);
  // The worker has logged "Initialization error: ..." with the details.
  log::Warn("the worker could not load the job; /live answers 500 with its error");
}

void WorkerLifecycle::OnWorkerLost(const std::string& reason) {
  Unready();
  log::Error("worker lost: " + reason);
}

// The supervised process exited: the next incarnation loads afresh.
void WorkerLifecycle::OnWorkerExit(const std::string& reason) {
  Unready();
  parts_.probes.SetInitError(job_.manifest.error);
  if (worker_) worker_->Reset(reason);
}

void WorkerLifecycle::OnWorkerUnreachable(const std::string& reason) {
  parts_.probes.SetNotice(reason.empty() ? std::nullopt : std::optional<std::string>(reason));
}

void WorkerLifecycle::OnStuckCall(uint64_t id) {
  std::string what = "call " + std::to_string(id) + " still runs " +
                     std::to_string(config_.stuck_call_grace_ms) +
                     " ms after its deadline and did not end when cancelled";
  if (supervisor_) {
    log::Error("restarting the worker: " + what);
    supervisor_->Kill();  // its calls end with 502; it is restarted and counted as any crash
    return;
  }
  // A worker run by someone else cannot be restarted from here: fail /live, so that its
  // orchestrator does.
  log::Error("the worker is wedged: " + what);
  parts_.probes.SetFault("the worker is wedged: " + what);
}

// Calls in flight and none ended for --stall-timeout-ms: the worker is wedged (e.g. a job stuck
// in a loop that runs calls inline), and /live says so until it makes progress again.
void WorkerLifecycle::CheckStall() {
  if (!worker_ || !worker_->ready()) return;
  uint64_t idle = uv_now(loop_.uv()) - worker_->last_progress_ms();
  if (worker_->in_flight() == 0 || idle < config_.stall_timeout_ms) {
    parts_.probes.SetFault(std::nullopt);
    return;
  }
  std::string fault = "the worker has ended no call for " + std::to_string(idle) + " ms with " +
                      std::to_string(worker_->in_flight()) + " in flight";
  if (parts_.probes.live()) log::Error(fault);
  parts_.probes.SetFault(fault);
}

void WorkerLifecycle::Unready() {
  parts_.probes.SetReady(false);
  parts_.view.root_location.clear();
  parts_.docs.OnWorkerGone();
}

}  // namespace gw::app
