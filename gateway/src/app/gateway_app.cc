#include "app/gateway_app.h"

#include <csignal>
#include <cstdlib>

#include "api/json_text.h"
#include "loop/loop.h"
#include "observability/log.h"

namespace gw::app {
namespace {

constexpr std::string_view kNotFoundBody = R"({"detail":"Not Found"})";
constexpr std::string_view kMethodNotAllowedBody = R"({"detail":"Method Not Allowed"})";
constexpr std::string_view kPerformEndpoint = "/perform";
constexpr uint64_t kDrainPollMs = 20;
constexpr uint64_t kLogFlushMs = 100;
constexpr std::string_view kDefaultHomePage = "/docs";

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : std::move(fallback);
}

}  // namespace

GatewayApp::GatewayApp(Loop& loop, config::Config config)
    : loop_(loop),
      config_(std::move(config)),
      probes_(api::DeploymentInfo::FromEnvironment()),
      listener_(loop.uv(), config_.limits, this) {
  uv_signal_init(loop_.uv(), &sigterm_);
  uv_signal_init(loop_.uv(), &sigint_);
  uv_timer_init(loop_.uv(), &drain_timer_);
  uv_timer_init(loop_.uv(), &log_flush_timer_);
  sigterm_.data = sigint_.data = drain_timer_.data = log_flush_timer_.data = this;
}

GatewayApp::~GatewayApp() = default;

bool GatewayApp::Start(std::string* error) {
  if (int rc = listener_.Listen(config_.host, config_.port); rc != 0) {
    *error = "cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " +
             uv_strerror(rc);
    return false;
  }
  std::string address = config_.worker_address;
  if (!config_.worker_command.empty()) {
    supervise::Supervisor::Callbacks callbacks;
    callbacks.on_exit = [this](const std::string& reason) { OnWorkerExit(reason); };
    supervisor_ = std::make_unique<supervise::Supervisor>(loop_.uv(), config_.worker_command,
                                                          std::move(callbacks));
    if (!supervisor_->Prepare(error)) return false;
    address = supervisor_->address();
  }
  forward::ForwarderOptions options;
  options.address = address;
  options.max_message_bytes = config_.max_message_bytes;
  options.call_timeout_ms = config_.call_timeout_ms;
  forwarder_ = std::make_unique<forward::Forwarder>(loop_, options, this);
  if (supervisor_) {
    if (int rc = supervisor_->Start(); rc != 0) {
      *error = "cannot start the worker '" + config_.worker_command[0] + "': " + uv_strerror(rc);
      return false;
    }
  }
  forwarder_->Start();

  auto on_signal = [](uv_signal_t* handle, int signum) noexcept {
    log::Info("received signal " + std::to_string(signum) + ", shutting down...");
    static_cast<GatewayApp*>(handle->data)->BeginShutdown();
  };
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
  uv_signal_start(&sigint_, on_signal, SIGINT);
  uv_timer_start(
      &log_flush_timer_, [](uv_timer_t*) noexcept { log::Flush(); }, kLogFlushMs, kLogFlushMs);
  uv_unref(reinterpret_cast<uv_handle_t*>(&log_flush_timer_));
  log::Info("Running gateway on http://" + config_.host + ":" + std::to_string(port()) +
            ", worker at " + address);
  return true;
}

void GatewayApp::OnRequest(server::Connection* conn, http::Request& request) {
  routing::RouteMatch match = router_.Match(request.method, request.Path());
  if (match.id == routing::RouteId::kPrefixRedirect) {
    // Answered by the prefix layer, which the original does not log.
    std::string location(request.Path());
    location.push_back('/');
    http::ResponseHead head{307, {}, {{"location", std::move(location)}}, false};
    conn->Respond(head, {});
    return;
  }
  access_log_.Started(request);
  if (match.id == routing::RouteId::kNotFound) {
    Respond(conn, 404, kNotFoundBody);
    return;
  }
  if (!match.method_allowed) {
    Respond(conn, 405, kMethodNotAllowedBody, http::kJson, {{"allow", std::string(match.allow)}});
    return;
  }
  switch (match.id) {
    case routing::RouteId::kLive: {
      auto answer = probes_.Live();
      Respond(conn, answer.status, answer.body);
      return;
    }
    case routing::RouteId::kReady: {
      auto answer = probes_.Ready();
      Respond(conn, answer.status, answer.body);
      return;
    }
    case routing::RouteId::kHealth: {
      auto answer = probes_.Health();
      Respond(conn, answer.status, answer.body);
      return;
    }
    case routing::RouteId::kRoot:
      if (root_location_.empty()) {
        Respond(conn, 404, kNotFoundBody);  // as the original while the job loads
      } else {
        Redirect(conn, root_location_);
      }
      return;
    case routing::RouteId::kPerform:
      HandlePerform(conn, request);
      return;
    case routing::RouteId::kParameters:
      if (const forward::JobDescription* d = forwarder_->description()) {
        Respond(conn, 200, d->parameters_json);
      } else {
        Respond(conn, 404, kNotFoundBody);  // as the original while the job loads
      }
      return;
    default:
      Respond(conn, 404, kNotFoundBody);
  }
}

void GatewayApp::HandlePerform(server::Connection* conn, http::Request& request) {
  if (!forwarder_->ready()) {
    std::string body = probes_.live()
                           ? api::ErrorBody("the job is not ready yet", "JobNotReady")
                           : api::ErrorBody("the job failed to initialize", "JobNotReady");
    Respond(conn, 503, body, http::kJson, {{"retry-after", "1"}});
    return;
  }
  api::BodyCheck check = body_checker_.Check(request.FindHeader("content-type"), request.body);
  std::string payload;
  switch (check.verdict) {
    case api::BodyVerdict::kInvalid:
      Respond(conn, check.status, check.error_body);
      return;
    case api::BodyVerdict::kUseExample:
      payload = perform_example_.value_or("{}");
      break;
    case api::BodyVerdict::kObject:
      payload = std::move(request.body);
      break;
  }
  conn->pending_tag =
      forwarder_->StartCall(kPerformEndpoint, std::move(payload), request, this, conn);
}

void GatewayApp::OnCallDone(void* context, forward::CallOutcome& outcome) {
  auto* conn = static_cast<server::Connection*>(context);
  Respond(conn, outcome.status, outcome.body);
  if (draining_) CheckDrained();
}

void GatewayApp::OnAbandoned(server::Connection* conn) {
  if (conn->pending_tag != 0) forwarder_->CancelCall(conn->pending_tag);
  conn->pending_tag = 0;
}

void GatewayApp::Respond(server::Connection* conn, int status, std::string_view body,
                         std::string_view content_type, std::vector<http::Header> headers) {
  access_log_.Finished(conn->current(), status);
  http::ResponseHead head{status, content_type, std::move(headers), draining_};
  conn->Respond(head, body);
}

void GatewayApp::Redirect(server::Connection* conn, std::string location) {
  Respond(conn, 307, {}, {}, {{"location", std::move(location)}});
}

std::string GatewayApp::BaseUrl() const {
  const forward::JobDescription* d = forwarder_ ? forwarder_->description() : nullptr;
  std::string name = EnvOr("JOB_NAME", d && !d->job_name.empty() ? d->job_name : "JOB_NAME");
  std::string version =
      EnvOr("JOB_VERSION", d && !d->job_version.empty() ? d->job_version : "JOB_VERSION");
  return "/pub/job/" + name + "/" + version;
}

void GatewayApp::OnWorkerReady(const forward::JobDescription& description) {
  perform_example_ = description.perform_example_json;
  root_location_ = BaseUrl() + std::string(kDefaultHomePage);
  probes_.SetInitError(std::nullopt);
  probes_.SetJobName(EnvOr("JOB_NAME", description.job_name.empty() ? "JOB_NAME"
                                                                    : description.job_name));
  probes_.SetReady(!draining_);
  // The worker logs "loaded job class" itself; this line says what the gateway now forwards to.
  log::Info("worker ready: " + description.class_name + " (" + description.sdk + ", runs " +
            std::to_string(description.max_concurrency) + " calls at once)");
  log::Info("Server is ready");
}

void GatewayApp::OnWorkerFailed(const std::string& error) {
  probes_.SetInitError(error);
  // The worker has logged "Initialization error: ..." with the details.
  log::Warn("the worker could not load the job; /live answers 500 with its error");
}

void GatewayApp::OnWorkerLost(const std::string& reason) {
  probes_.SetReady(false);
  root_location_.clear();
  log::Error("worker lost: " + reason);
}

void GatewayApp::OnWorkerExit(const std::string& reason) {
  probes_.SetReady(false);
  probes_.SetInitError(std::nullopt);  // the next incarnation loads afresh
  root_location_.clear();
  forwarder_->Reset(reason);
}

// Drain: refuse new connections, let the calls in flight finish within the grace period, then
// stop the worker and let the loop run out.
void GatewayApp::BeginShutdown() {
  if (draining_) return;
  draining_ = true;
  probes_.SetReady(false);
  listener_.Stop();
  listener_.connections().CloseAllWhenIdle();
  drain_deadline_ms_ = uv_now(loop_.uv()) + config_.drain_timeout_ms;
  uv_timer_start(
      &drain_timer_,
      [](uv_timer_t* t) noexcept { static_cast<GatewayApp*>(t->data)->CheckDrained(); }, 0,
      kDrainPollMs);
}

void GatewayApp::CheckDrained() {
  if (shut_down_) return;
  bool idle = (!forwarder_ || forwarder_->in_flight() == 0) && listener_.connections().size() == 0;
  if (!idle && uv_now(loop_.uv()) < drain_deadline_ms_) return;
  if (!idle) log::Warn("drain timeout: failing the calls still in flight");
  FinishShutdown();
}

void GatewayApp::FinishShutdown() {
  shut_down_ = true;
  uv_timer_stop(&drain_timer_);
  if (forwarder_) forwarder_->Shutdown();
  listener_.connections().CloseAllWhenIdle();
  if (supervisor_) {
    supervisor_->Stop([this] { CloseOwnHandles(); });
  } else {
    CloseOwnHandles();
  }
}

void GatewayApp::CloseOwnHandles() {
  for (auto* h : {reinterpret_cast<uv_handle_t*>(&sigterm_), reinterpret_cast<uv_handle_t*>(&sigint_),
                  reinterpret_cast<uv_handle_t*>(&drain_timer_),
                  reinterpret_cast<uv_handle_t*>(&log_flush_timer_)}) {
    if (!uv_is_closing(h)) uv_close(h, nullptr);
  }
  log::Info("gateway stopped");
  log::Flush();
}

}  // namespace gw::app
