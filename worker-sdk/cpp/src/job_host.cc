// Loading the job in the background, and Describe.
#include "job_host.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace racetrack::internal {
namespace v1 = racetrack::worker::v1;

namespace {

constexpr char kSdkName[] = "cpp/" RT_SDK_VERSION;

// The parameters list with each entry's keys in the original's order (name, default_value, type,
// then any others); nlohmann::json alone would sort them.
std::string ParametersJson(const Json& parameters) {
  if (!parameters.is_array()) return parameters.dump();
  nlohmann::ordered_json ordered = nlohmann::ordered_json::array();
  for (const Json& parameter : parameters) {
    if (!parameter.is_object()) {
      ordered.push_back(nlohmann::ordered_json::parse(parameter.dump()));
      continue;
    }
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    for (const char* key : {"name", "default_value", "type"}) {
      if (parameter.contains(key))
        entry[key] = nlohmann::ordered_json::parse(parameter[key].dump());
    }
    for (const auto& [key, value] : parameter.items()) {
      if (!entry.contains(key)) entry[key] = nlohmann::ordered_json::parse(value.dump());
    }
    ordered.push_back(std::move(entry));
  }
  return ordered.dump();
}

}  // namespace

JobHost::JobHost(std::string class_name, JobFactory factory, std::uint32_t max_concurrency)
    : class_name_(std::move(class_name)),
      max_concurrency_(max_concurrency),
      factory_(std::move(factory)) {}

JobHost::~JobHost() {
  if (loader_.joinable()) loader_.join();
}

void JobHost::StartLoading(std::function<void(LoadState)> on_loaded) {
  loader_ = std::thread([this, on_loaded = std::move(on_loaded)] { Load(on_loaded); });
}

void JobHost::Load(const std::function<void(LoadState)>& on_loaded) {
  spdlog::info("loaded job class: {}", class_name_);
  LoadState outcome = LoadState::kReady;
  try {
    job_ = factory_();
    BuildDescription();
    spdlog::debug("Job instance created");
  } catch (...) {
    auxiliary_.clear();
    job_.reset();
    init_error_ = FormatInitError(std::current_exception());
    spdlog::error("Initialization error: {}", init_error_);
    outcome = LoadState::kFailed;
  }
  // Describe changes first, then health (on_loaded), and WaitLoaded returns after both.
  state_.store(outcome, std::memory_order_release);
  if (on_loaded) on_loaded(outcome);
  {
    std::lock_guard lock(mu_);
    settled_ = true;
  }
  settled_cv_.notify_all();
}

// Asks the job for its docs once, so that Describe never calls into job code.
void JobHost::BuildDescription() {
  v1::Endpoint* perform = ready_description_.add_endpoints();
  perform->set_path(std::string(kPerformPath));
  perform->add_methods("POST");
  perform->set_kind(v1::ENDPOINT_KIND_PERFORM);
  perform->set_summary("Call main action");
  perform->set_description(job_->Docstring());
  if (const std::optional<Json> example = job_->InputExample(); example.has_value()) {
    perform->set_input_example_json(example->dump());
  }
  auxiliary_ = CollectAuxiliaryEndpoints(*job_);
  for (const auto& [path, aux] : auxiliary_) {
    v1::Endpoint* endpoint = ready_description_.add_endpoints();
    endpoint->set_path(path);
    endpoint->add_methods("POST");
    endpoint->set_kind(v1::ENDPOINT_KIND_AUXILIARY);
    endpoint->set_summary("Call auxiliary endpoint: " + path);
    endpoint->set_description(aux.docstring.empty() ? std::string("Call auxiliary endpoint")
                                                    : "Call auxiliary endpoint: " + aux.docstring);
    if (aux.input_example.has_value()) {
      try {
        endpoint->set_input_example_json(aux.input_example->dump());
      } catch (const Json::exception& e) {  // the endpoint only loses its docs default
        spdlog::warn("input example cannot be encoded to JSON: {}", e.what());
      }
    }
    spdlog::info("configured auxiliary endpoint: {}", path);
  }
  ready_description_.set_parameters_json(ParametersJson(job_->Parameters()));
}

LoadState JobHost::WaitLoaded(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  settled_cv_.wait_for(lock, timeout, [this] { return settled_; });
  return state();
}

void JobHost::Describe(v1::JobDescription& out) const {
  const LoadState state = this->state();
  if (state == LoadState::kReady) out = ready_description_;
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
  out.set_class_name(class_name_);
  out.set_max_concurrency(max_concurrency_);
  out.set_sdk(kSdkName);
}

void JobHost::CollectMetrics(v1::MetricsReply& out) {
  if (state() != LoadState::kReady) return;
  std::vector<Metric> metrics;
  try {
    metrics = job_->Metrics();
  } catch (const std::exception& e) {
    out.set_error(e.what());
    spdlog::error("metrics() failed: {}", e.what());
    return;
  } catch (...) {
    out.set_error("unknown exception");
    spdlog::error("metrics() failed with an unknown exception");
    return;
  }
  for (Metric& m : metrics) {
    v1::JobMetric* metric = out.add_metrics();
    metric->set_name(std::move(m.name));
    metric->set_value(m.value);
    metric->set_description(std::move(m.description));
    for (auto& [key, value] : m.labels) (*metric->mutable_labels())[key] = std::move(value);
  }
}

CallOutcome JobHost::Invoke(std::string_view endpoint, std::string_view payload_json) {
  switch (state()) {
    case LoadState::kReady:
      return InvokeJob(*job_, endpoint, payload_json, auxiliary_);
    case LoadState::kLoading:
      return ErrorOutcome(503, v1::ErrorType_Name(v1::JobNotReady), "the job is still loading");
    case LoadState::kFailed:
      break;
  }
  return ErrorOutcome(503, v1::ErrorType_Name(v1::JobNotReady),
                      "the job failed to initialize: " + init_error_);
}

}  // namespace racetrack::internal
