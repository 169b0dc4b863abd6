// Loading a C++ job, its description, and its calls.
#include "cpp_job_backend.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "racetrack/internal/voluntary_switches.h"

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

CppJobBackend::CppJobBackend(std::string class_name, JobFactory factory)
    : class_name_(std::move(class_name)), factory_(std::move(factory)) {}

LoadState CppJobBackend::Load() {
  spdlog::info("loaded job class: {}", class_name_);
  try {
    job_ = factory_();
    BuildDescription();
    spdlog::debug("Job instance created");
    return LoadState::kReady;
  } catch (...) {
    auxiliary_.clear();
    job_.reset();
    init_error_ = FormatInitError(std::current_exception());
    spdlog::error("Initialization error: {}", init_error_);
    return LoadState::kFailed;
  }
}

// Asks the job for its docs once, so that Describe never calls into job code.
void CppJobBackend::BuildDescription() {
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

void CppJobBackend::Describe(LoadState state, v1::JobDescription& out) const {
  if (state == LoadState::kReady) out = ready_description_;
  out.set_class_name(class_name_);
  out.set_sdk(kSdkName);
}

void CppJobBackend::CollectMetrics(v1::MetricsReply& out) {
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

CallOutcome CppJobBackend::Invoke(const v1::Call& call, const CallContext& context,
                                  bool count_waits) {
  CallScope scope(context);
  if (!count_waits) return InvokeJob(*job_, call.endpoint(), call.payload_json(), auxiliary_);
  const long waits_before = VoluntarySwitches();
  CallOutcome outcome = InvokeJob(*job_, call.endpoint(), call.payload_json(), auxiliary_);
  outcome.job_waits = VoluntarySwitches() - waits_before;
  return outcome;
}

}  // namespace racetrack::internal
