// Loading in the background, Describe, and the not-ready answers.
#include "job_host.h"

namespace racetrack::internal {
namespace v1 = racetrack::worker::v1;

namespace {

constexpr char kJsonType[] = "application/json";

}  // namespace

JobHost::JobHost(std::unique_ptr<JobBackend> backend, std::uint32_t max_concurrency)
    : backend_(std::move(backend)), max_concurrency_(max_concurrency) {}

JobHost::~JobHost() {
  if (loader_.joinable()) loader_.join();
}

void JobHost::StartLoading(std::function<void(LoadState)> on_loaded) {
  loader_ = std::thread([this, on_loaded = std::move(on_loaded)] { Load(on_loaded); });
}

void JobHost::Load(const std::function<void(LoadState)>& on_loaded) {
  const LoadState outcome = backend_->Load();
  if (outcome == LoadState::kFailed) init_error_ = backend_->InitError();
  // Describe changes first, then health (on_loaded), and WaitLoaded returns after both.
  state_.store(outcome, std::memory_order_release);
  if (on_loaded) on_loaded(outcome);
  {
    std::lock_guard lock(mu_);
    settled_ = true;
  }
  settled_cv_.notify_all();
}

LoadState JobHost::WaitLoaded(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  settled_cv_.wait_for(lock, timeout, [this] { return settled_; });
  return state();
}

void JobHost::Describe(v1::JobDescription& out) const {
  const LoadState state = this->state();
  backend_->Describe(state, out);
  switch (state) {
    case LoadState::kLoading:
      out.set_state(v1::WORKER_STATE_LOADING);
      break;
    case LoadState::kReady:
      out.set_state(v1::WORKER_STATE_READY);
      break;
    case LoadState::kFailed:
      out.set_state(v1::WORKER_STATE_FAILED);
      out.set_init_error(init_error_);
      break;
  }
  out.set_max_concurrency(max_concurrency_);
}

void JobHost::CollectMetrics(v1::MetricsReply& out) {
  if (state() == LoadState::kReady) backend_->CollectMetrics(out);
}

CallOutcome JobHost::NotReady() const {
  if (state() == LoadState::kLoading) {
    return ErrorOutcome(503, v1::ErrorType_Name(v1::JobNotReady), "the job is still loading");
  }
  return ErrorOutcome(503, v1::ErrorType_Name(v1::JobNotReady),
                      "the job failed to initialize: " + init_error_);
}

CallOutcome JobHost::Invoke(const v1::Call& call, const CallContext& context, bool count_waits) {
  if (state() != LoadState::kReady) return NotReady();
  return backend_->Invoke(call, context, count_waits);
}

bool JobHost::Http(const v1::HttpRequest& request, v1::HttpResponse& response) {
  if (state() == LoadState::kReady) return backend_->Http(request, response);
  const CallOutcome refusal = NotReady();
  nlohmann::json body = {{"error", refusal.error.message}, {"type", refusal.error.type}};
  response.set_status(static_cast<std::uint32_t>(refusal.error.http_status));
  v1::Header* header = response.add_headers();
  header->set_name("content-type");
  header->set_value(kJsonType);
  response.set_body(body.dump());
  return true;
}

}  // namespace racetrack::internal
