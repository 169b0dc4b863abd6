#include "app/gateway_app.h"

#include "loop/loop.h"
#include "observability/log.h"

namespace gw::app {
namespace {

constexpr uint64_t kLogFlushMs = 100;

}  // namespace

GatewayApp::GatewayApp(Loop& loop, config::Config config, config::JobConfig job)
    : loop_(loop),
      config_(std::move(config)),
      job_(std::move(job)),
      metrics_(RT_GATEWAY_VERSION),
      responder_(metrics_),
      probes_(job_.deployment),
      docs_(job_.deployment.job_name_env, job_.deployment.job_version.value_or("")),
      job_calls_(loop, responder_, metrics_,
                 {config_.call_timeout_ms, job_.identity.base_url, config_.stuck_call_grace_ms}),
      metrics_endpoint_(
          responder_, metrics_, [this] { return Snapshot(); },
          [this] { return job_calls_.NewId(); }),
      lifecycle_(loop, config_, job_, {probes_, job_routes_, docs_, job_calls_, view_, responder_}),
      dispatcher_({responder_, router_, probes_, docs_, job_calls_, metrics_endpoint_, lifecycle_,
                   view_, config_, job_}),
      listener_(loop.uv(), config_.limits, &dispatcher_),
      drain_(loop, config_.drain_timeout_ms,
             {listener_, job_calls_, lifecycle_, responder_, probes_}, [this] { OnStopped(); }) {
  router_.SetJobRoutes(&job_routes_);
  if (!config_.metrics_enabled) metrics_.Disable();
  job_calls_.SetOnFinished([this] { drain_.Check(); });
  job_calls_.SetOnStuck([this](uint64_t id) { lifecycle_.OnStuckCall(id); });
  uv_timer_init(loop_.uv(), &log_flush_timer_);
  ApplyManifest();
}

GatewayApp::~GatewayApp() = default;

bool GatewayApp::Start(std::string* error) {
  if (int rc = listener_.Listen(config_.host, config_.port); rc != 0) {
    *error = "cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " +
             uv_strerror(rc);
    return false;
  }
  dispatcher_.set_port(listener_.port());
  if (!lifecycle_.Start(error)) return false;
  drain_.Arm();
  uv_timer_start(
      &log_flush_timer_, [](uv_timer_t*) noexcept { log::Flush(); }, kLogFlushMs, kLogFlushMs);
  uv_unref(reinterpret_cast<uv_handle_t*>(&log_flush_timer_));
  log::Info("Running gateway on http://" + config_.host + ":" + std::to_string(port()) +
            ", worker at " + lifecycle_.addresses());
  if (job_.manifest.error) log::Error("Initialization error: " + *job_.manifest.error);
  return true;
}

// The manifest gives the concurrency cap (spec §8). A manifest that cannot be read is the job's
// init failure: /live answers 500 with the error, for good.
void GatewayApp::ApplyManifest() {
  if (job_.manifest.error) {
    probes_.SetInitError(job_.manifest.error);
    return;
  }
  const config::Manifest& m = job_.manifest.manifest;
  job_calls_.SetLimits({m.max_concurrency.value_or(0), m.max_concurrency_queue});
  if (m.max_concurrency.value_or(0) == 0) {
    log::Info("concurrency cap: none (jobtype_extra.max_concurrency is not set)");
  } else {
    log::Info("concurrency cap: " + std::to_string(*m.max_concurrency) +
              " calls at once, queue of " +
              (m.max_concurrency_queue ? std::to_string(*m.max_concurrency_queue) + " waiting"
                                       : std::string("any size")));
  }
}

observability::GatewaySnapshot GatewayApp::Snapshot() {
  observability::GatewaySnapshot snapshot;
  forward::WorkerClient* worker = lifecycle_.worker();
  snapshot.queue_depth = static_cast<double>(job_calls_.queued());
  snapshot.requests_in_flight =
      static_cast<double>((worker ? worker->in_flight() : 0) + job_calls_.queued());
  snapshot.open_connections = static_cast<double>(listener_.connections().size());
  snapshot.worker_restarts = lifecycle_.restarts();
  snapshot.workers = lifecycle_.WorkerSnapshots();
  return snapshot;
}

// Everything else is stopped: close the app's own handles so that the loop runs out.
void GatewayApp::OnStopped() {
  job_calls_.Close([] {});
  uv_close(reinterpret_cast<uv_handle_t*>(&log_flush_timer_), [](uv_handle_t*) noexcept {
    log::Info("gateway stopped");
    log::Flush();
  });
}

}  // namespace gw::app
