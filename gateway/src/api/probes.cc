#include "api/probes.h"

#include <cstdlib>

#include "api/json_text.h"

namespace gw::api {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

void AppendNullable(std::string* out, const std::optional<std::string>& value) {
  if (value) {
    AppendJsonString(out, *value);
  } else {
    out->append("null");
  }
}

}  // namespace

DeploymentInfo DeploymentInfo::FromEnvironment() {
  DeploymentInfo info;
  info.job_name_env = Env("JOB_NAME").value_or("");
  info.job_version = Env("JOB_VERSION");
  info.git_version = Env("GIT_VERSION");
  info.deployed_by_racetrack_version = Env("DEPLOYED_BY_RACETRACK_VERSION");
  info.deployment_timestamp = Env("JOB_DEPLOYMENT_TIMESTAMP");
  info.job_type_version = Env("JOB_TYPE_VERSION");
  return info;
}

Probes::Probes(DeploymentInfo info) : info_(std::move(info)), job_name_(info_.job_name_env) {
  Rebuild();
}

void Probes::SetReady(bool ready) {
  if (ready_ == ready) return;
  ready_ = ready;
  Rebuild();
}

void Probes::SetInitError(std::optional<std::string> error) {
  error_ = std::move(error);
  Rebuild();
}

void Probes::SetJobName(std::string name) {
  job_name_ = std::move(name);
  Rebuild();
}

void Probes::SetFault(std::optional<std::string> fault) {
  if (fault_ == fault) return;
  fault_ = std::move(fault);
  Rebuild();
}

void Probes::SetNotice(std::optional<std::string> notice) {
  if (notice_ == notice) return;
  notice_ = std::move(notice);
  Rebuild();
}

void Probes::SetWorkers(size_t ready, size_t total) {
  if (workers_ready_ == ready && workers_ == total) return;
  workers_ready_ = ready;
  workers_ = total;
  Rebuild();
}

// Key order and value types follow the original exactly: Racetrack's infrastructure parses them.
void Probes::Rebuild() {
  const std::optional<std::string>& error = error_ ? error_ : fault_ ? fault_ : notice_;
  live_body_ = live() ? "{\"live\":true,\"deployment_timestamp\":"
                      : "{\"live\":false,\"deployment_timestamp\":";
  AppendNullable(&live_body_, info_.deployment_timestamp);
  if (!live()) {
    live_body_.append(",\"error\":");
    AppendJsonString(&live_body_, *(error_ ? error_ : fault_));
  }
  live_body_.push_back('}');

  std::string workers;
  if (workers_ > 1) {
    workers = ",\"workers_ready\":" + std::to_string(workers_ready_) +
              ",\"workers\":" + std::to_string(workers_);
  }
  ready_body_ = ready_ ? "{\"ready\":true" : "{\"ready\":false";
  ready_body_ += workers + "}";

  health_body_ = "{\"service\":\"job\",\"job_name\":";
  AppendJsonString(&health_body_, job_name_);
  health_body_.append(live() ? ",\"live\":true" : ",\"live\":false");
  health_body_.append(ready_ ? ",\"ready\":true,\"status\":\"pass\""
                             : ",\"ready\":false,\"status\":\"fail\"");
  health_body_.append(",\"error\":");
  AppendNullable(&health_body_, error);
  health_body_.append(",\"job_version\":");
  AppendNullable(&health_body_, info_.job_version);
  health_body_.append(",\"git_version\":");
  AppendNullable(&health_body_, info_.git_version);
  health_body_.append(",\"deployed_by_racetrack_version\":");
  AppendNullable(&health_body_, info_.deployed_by_racetrack_version);
  health_body_.append(",\"deployment_timestamp\":");
  AppendNullable(&health_body_, info_.deployment_timestamp);
  health_body_.append(",\"job_type_version\":");
  AppendNullable(&health_body_, info_.job_type_version);
  health_body_ += workers + "}";
}

}  // namespace gw::api
