#include "app/gateway_app.h"

#include <csignal>
#include <cstdlib>

#include "api/cors.h"
#include "api/json_text.h"
#include "docs/swagger_ui.h"
#include "loop/loop.h"
#include "observability/log.h"
#include "routing/slash_redirect.h"

namespace gw::app {
namespace {

constexpr std::string_view kNotFoundBody = R"({"detail":"Not Found"})";
constexpr std::string_view kMethodNotAllowedBody = R"({"detail":"Method Not Allowed"})";
constexpr std::string_view kPerformEndpoint = "/perform";
constexpr uint64_t kDrainPollMs = 20;
constexpr uint64_t kLogFlushMs = 100;

double SecondsSince(uint64_t start_ns) {
  return static_cast<double>(uv_hrtime() - start_ns) * 1e-9;
}

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : std::move(fallback);
}

}  // namespace

GatewayApp::GatewayApp(Loop& loop, config::Config config)
    : loop_(loop),
      config_(std::move(config)),
      probes_(api::DeploymentInfo::FromEnvironment()),
      listener_(loop.uv(), config_.limits, this),
      metrics_(RT_GATEWAY_VERSION),
      job_metrics_(std::make_unique<forward::JobMetricsClient>(loop)) {
  uv_signal_init(loop_.uv(), &sigterm_);
  uv_signal_init(loop_.uv(), &sigint_);
  uv_timer_init(loop_.uv(), &drain_timer_);
  uv_timer_init(loop_.uv(), &log_flush_timer_);
  sigterm_.data = sigint_.data = drain_timer_.data = log_flush_timer_.data = this;
  router_.SetJobRoutes(&job_routes_);
  if (!config_.metrics_enabled) metrics_.Disable();
  job_http_ = std::make_unique<JobHttp>(
      loop_, [this](server::Connection* conn, int status, std::string_view body,
                    std::string_view content_type, std::vector<http::Header> headers) {
        if (http_calls_.erase(conn) > 0) {
          // An auxiliary v2 call: a job call like perform. A 422 is a parameter error.
          metrics_.OnCallDone(conn->metrics_endpoint, SecondsSince(conn->started_ns),
                              status >= 400 && status != 422);
          if (status == 500) metrics_.OnInternalServerError();
          admission_gate_.Release(conn);  // before Respond, which may dispatch the next request
        }
        Respond(conn, status, body, content_type, std::move(headers));
        if (draining_) CheckDrained();
      });
  LoadManifest();
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
  if (manifest_.error) log::Error("Initialization error: " + *manifest_.error);
  return true;
}

// The manifest gives the job's identity and the concurrency cap (spec §4, §5.2, §8). A manifest
// that cannot be read is the job's init failure: /live answers 500 with the error, for good.
void GatewayApp::LoadManifest() {
  manifest_ = config::LoadManifest(config_.manifest_path);
  identity_ = config::ResolveJobIdentity(manifest_.manifest, EnvOr("JOB_NAME", ""),
                                         EnvOr("JOB_VERSION", ""));
  if (manifest_.error) {
    probes_.SetInitError(manifest_.error);
    return;
  }
  const config::Manifest& m = manifest_.manifest;
  admission_gate_.SetLimits({m.max_concurrency.value_or(0), m.max_concurrency_queue});
  if (m.max_concurrency.value_or(0) == 0) {
    log::Info("concurrency cap: none (jobtype_extra.max_concurrency is not set)");
  } else {
    log::Info("concurrency cap: " + std::to_string(*m.max_concurrency) +
              " calls at once, queue of " +
              (m.max_concurrency_queue ? std::to_string(*m.max_concurrency_queue) + " waiting"
                                       : std::string("any size")));
  }
}

void GatewayApp::OnRequest(server::Connection* conn, http::Request& request) {
  if (api::IsPreflight(request)) {
    // Answered by the CORS middleware outside the app, which the original does not log.
    http::ResponseHead head{200, api::kPreflightContentType, api::PreflightHeaders(request),
                            draining_};
    conn->Respond(head, api::kPreflightBody);
    return;
  }
  routing::RouteMatch match = router_.Match(request.method, request.Path());
  if (match.id == routing::RouteId::kPrefixRedirect) {
    // Answered by the prefix layer, which the original does not log.
    std::string location(request.Path());
    location.push_back('/');
    http::ResponseHead head{307, {}, {{"location", std::move(location)}}, false};
    api::AppendSimpleCorsHeaders(request, &head.headers);
    conn->Respond(head, {});
    return;
  }
  access_log_.Started(request);
  conn->started_ns = uv_hrtime();
  metrics_.OnHttpRequestStarted();
  if (match.id == routing::RouteId::kNotFound) {
    if (auto other = routing::SlashRedirectPath(router_, request.method, request.Path())) {
      const std::string* host = request.FindHeader("host");
      Redirect(conn,
               routing::AbsoluteLocation(host ? *host : config_.host + ":" + std::to_string(port()),
                                         *other, request.Query()));
      return;
    }
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
      ForwardJsonCall(conn, request, kPerformEndpoint, perform_example_);
      return;
    case routing::RouteId::kJobEndpoint:
      HandleJobEndpoint(conn, request, match);
      return;
    case routing::RouteId::kMetrics:
      if (metrics_.enabled()) {
        HandleMetrics(conn, match.rest, request.method);
      } else {
        Respond(conn, 404, kNotFoundBody);
      }
      return;
    case routing::RouteId::kOpenApi:
    case routing::RouteId::kDocs:
    case routing::RouteId::kDocsOAuth2Redirect:
    case routing::RouteId::kDocsAsset:
      HandleDocs(conn, match);
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

void GatewayApp::HandleJobEndpoint(server::Connection* conn, http::Request& request,
                                   const routing::RouteMatch& match) {
  const routing::JobEndpoint& endpoint = *match.endpoint;
  if (endpoint.transport == routing::Transport::kJsonCall) {
    ForwardJsonCall(conn, request, endpoint.path, endpoint.input_example_json);
    return;
  }
  if (!forwarder_->ready()) {
    Respond(conn, 503, api::ErrorBody("the job is not ready yet", "JobNotReady"), http::kJson,
            {{"retry-after", "1"}});
    return;
  }
  if (endpoint.kind != routing::EndpointKind::kAuxiliary) {
    // Static files and the webview are not job calls: no cap, no call metrics (spec §8, §12.1).
    job_http_->Forward(conn, request, match.prefix, endpoint, forwarder_->channel(), BaseUrl(),
                       config_.call_timeout_ms);
    return;
  }
  // Auxiliary v2 (path and query binding, over Http): counted and capped like perform. The
  // endpoint is copied, since the route table may change while the call waits for a slot.
  conn->metrics_endpoint = metrics_.Endpoint(endpoint.path);
  metrics_.OnCallStarted(conn->metrics_endpoint);
  auto start = [this, conn, &request, prefix = std::string(match.prefix), endpoint,
                admitted_ns = uv_hrtime()] {
    metrics_.OnQueueWait(SecondsSince(admitted_ns));
    http_calls_.insert(conn);
    job_http_->Forward(conn, request, prefix, endpoint, forwarder_->channel(), BaseUrl(),
                       config_.call_timeout_ms);
  };
  if (admission_gate_.Admit(conn, std::move(start)) == AdmissionGate::Result::kRejected) {
    RejectCall(conn);
  }
}

void GatewayApp::RejectCall(server::Connection* conn) {
  metrics_.OnCallDone(conn->metrics_endpoint, SecondsSince(conn->started_ns), true);
  metrics_.OnRejected();
  Respond(conn, 429, admission_gate_.RejectionBody(), http::kJson, {{"retry-after", "1"}});
}

void GatewayApp::ForwardJsonCall(server::Connection* conn, http::Request& request,
                                 std::string_view endpoint,
                                 const std::optional<std::string>& example) {
  if (!forwarder_->ready() || manifest_.error) {
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
      payload = example.value_or("{}");
      break;
    case api::BodyVerdict::kObject:
      payload = std::move(request.body);
      break;
  }
  conn->metrics_endpoint = metrics_.Endpoint(endpoint);
  metrics_.OnCallStarted(conn->metrics_endpoint);
  // The call waits here for a slot of the concurrency cap (the connection stays busy meanwhile).
  auto start = [this, conn, &request, endpoint = std::string(endpoint),
                payload = std::move(payload), admitted_ns = uv_hrtime()]() mutable {
    metrics_.OnQueueWait(SecondsSince(admitted_ns));
    conn->pending_tag = forwarder_->StartCall(endpoint, std::move(payload), request, this, conn);
  };
  if (admission_gate_.Admit(conn, std::move(start)) == AdmissionGate::Result::kRejected) {
    RejectCall(conn);
  }
}

void GatewayApp::OnCallDone(void* context, forward::CallOutcome& outcome) {
  auto* conn = static_cast<server::Connection*>(context);
  // Any error counts as internal (spec §7.2, §7.4); only unmapped exceptions give 500.
  metrics_.OnCallDone(conn->metrics_endpoint, SecondsSince(conn->started_ns),
                      !outcome.error_type.empty());
  if (outcome.worker_seconds > 0) metrics_.OnWorkerCallDone(outcome.worker_seconds);
  if (outcome.status == 500) metrics_.OnInternalServerError();
  conn->pending_tag = 0;
  admission_gate_.Release(conn);  // before Respond, which may dispatch the next request
  Respond(conn, outcome.status, outcome.body);
  if (draining_) CheckDrained();
}

void GatewayApp::OnAbandoned(server::Connection* conn) {
  if (conn->pending_tag != 0) {
    forwarder_->CancelCall(conn->pending_tag);
    // The original finishes a call whose client left; count it done, as it would.
    metrics_.OnCallDone(conn->metrics_endpoint, SecondsSince(conn->started_ns), false);
  }
  conn->pending_tag = 0;
  if (http_calls_.erase(conn) > 0) {
    metrics_.OnCallDone(conn->metrics_endpoint, SecondsSince(conn->started_ns), false);
  }
  admission_gate_.Release(conn);
  job_http_->Abandon(conn);
  std::erase_if(scrapes_, [conn](const auto& scrape) { return scrape.second == conn; });
}

void GatewayApp::Respond(server::Connection* conn, int status, std::string_view body,
                         std::string_view content_type, std::vector<http::Header> headers) {
  access_log_.Finished(conn->current(), status);
  metrics_.OnHttpRequestDone(SecondsSince(conn->started_ns));
  api::AppendSimpleCorsHeaders(conn->current(), &headers);
  http::ResponseHead head{status, content_type, std::move(headers), draining_};
  conn->Respond(head, body);
}

void GatewayApp::HandleMetrics(server::Connection* conn, std::string_view rest,
                               http::Method method) {
  if (rest == "/metrics/favicon.ico") {
    Respond(conn, 200, {}, {});  // as the original's WSGI app
    return;
  }
  if (!forwarder_->ready() || method == http::Method::kHead) {
    AnswerMetrics(conn, {});
    return;
  }
  uint64_t id = ++next_scrape_;
  scrapes_.emplace(id, conn);
  auto on_gauges = [this, id](std::vector<observability::JobGauge> job) {
    auto it = scrapes_.find(id);
    if (it == scrapes_.end()) return;  // the client left meanwhile
    server::Connection* waiting = it->second;
    scrapes_.erase(it);
    AnswerMetrics(waiting, job);
  };
  job_metrics_->Collect(forwarder_->channel(), std::move(on_gauges));
}

void GatewayApp::AnswerMetrics(server::Connection* conn,
                               const std::vector<observability::JobGauge>& job) {
  observability::GatewaySnapshot snapshot;
  snapshot.queue_depth = static_cast<double>(admission_gate_.queued());
  snapshot.requests_in_flight =
      static_cast<double>(forwarder_->in_flight() + admission_gate_.queued());
  snapshot.open_connections = static_cast<double>(listener_.connections().size());
  snapshot.worker_restarts = supervisor_ ? supervisor_->restarts() : 0;
  Respond(conn, 200, metrics_.Serialize(snapshot, job), observability::kMetricsContentType);
}

void GatewayApp::HandleDocs(server::Connection* conn, const routing::RouteMatch& match) {
  constexpr std::string_view kHtml = "text/html; charset=utf-8";
  switch (match.id) {
    case routing::RouteId::kOpenApi:
      Respond(conn, 200, docs_.openapi_json());
      return;
    case routing::RouteId::kDocs:
      Respond(conn, 200, docs_.SwaggerPage(match.prefix), kHtml);
      return;
    case routing::RouteId::kDocsOAuth2Redirect:
      Respond(conn, 200, docs::OAuth2RedirectHtml(), kHtml);
      return;
    default:
      break;
  }
  std::string_view name = match.rest.substr(docs::kDocsPath.size() + 1);
  if (const docs::Asset* asset = docs::FindAsset(name)) {
    Respond(conn, 200, asset->body, asset->content_type,
            {{"cache-control", std::string(docs::kAssetCacheControl)}});
  } else {
    Respond(conn, 404, kNotFoundBody);
  }
}

void GatewayApp::Redirect(server::Connection* conn, std::string location) {
  Respond(conn, 307, {}, {}, {{"location", std::move(location)}});
}

std::string GatewayApp::BaseUrl() const { return identity_.base_url; }

void GatewayApp::OnWorkerReady(const forward::JobDescription& description) {
  perform_example_ = description.perform_example_json;
  job_routes_.Set(routing::JobEndpointsFrom(description.endpoints));
  job_http_->ClearCache();
  probes_.SetInitError(manifest_.error);
  if (manifest_.error) return;  // the job stays failed: /live 500, /ready 500
  root_location_ = BaseUrl() + manifest_.manifest.home_page;
  docs_.OnWorkerReady(description, identity_);  // env, else manifest, else placeholders (§5.2)
  probes_.SetJobName(identity_.name);
  probes_.SetReady(!draining_);
  // The worker logs "loaded job class" itself; this line says what the gateway now forwards to.
  log::Info("worker ready: " + description.class_name + " (" + description.sdk + ", runs " +
            std::to_string(description.max_concurrency) + " calls at once)");
  log::Info("Server is ready");
}

void GatewayApp::OnWorkerFailed(const std::string& error) {
  probes_.SetInitError(manifest_.error ? manifest_.error : error);
  // The worker has logged "Initialization error: ..." with the details.
  log::Warn("the worker could not load the job; /live answers 500 with its error");
}

void GatewayApp::OnWorkerLost(const std::string& reason) {
  probes_.SetReady(false);
  root_location_.clear();
  docs_.OnWorkerGone();
  log::Error("worker lost: " + reason);
}

void GatewayApp::OnWorkerExit(const std::string& reason) {
  probes_.SetReady(false);
  probes_.SetInitError(manifest_.error);  // the next incarnation loads afresh
  root_location_.clear();
  docs_.OnWorkerGone();
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
  bool idle = (!forwarder_ || forwarder_->in_flight() == 0) && job_http_->in_flight() == 0 &&
              listener_.connections().size() == 0;
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
  for (auto* h :
       {reinterpret_cast<uv_handle_t*>(&sigterm_), reinterpret_cast<uv_handle_t*>(&sigint_),
        reinterpret_cast<uv_handle_t*>(&drain_timer_),
        reinterpret_cast<uv_handle_t*>(&log_flush_timer_)}) {
    if (!uv_is_closing(h)) uv_close(h, nullptr);
  }
  log::Info("gateway stopped");
  log::Flush();
}

}  // namespace gw::app
