// Liveness, readiness and aggregated health, answered by the gateway itself (spec §6.1). The
// bodies are rebuilt only when the state changes, so a probe costs no formatting.
#pragma once

#include <optional>
#include <string>

namespace gw::api {

// Deployment facts echoed by /live and /health, read once from the environment.
struct DeploymentInfo {
  std::string job_name_env;                // JOB_NAME ("" if unset)
  std::optional<std::string> job_version;  // JOB_VERSION (null if unset)
  std::optional<std::string> git_version;
  std::optional<std::string> deployed_by_racetrack_version;
  std::optional<std::string> deployment_timestamp;
  std::optional<std::string> job_type_version;

  static DeploymentInfo FromEnvironment();
};

struct ProbeAnswer {
  int status;
  const std::string& body;
};

class Probes {
 public:
  explicit Probes(DeploymentInfo info);

  // State changes. An init failure makes the job not live (the orchestrator restarts the pod);
  // the error text is shown by /live and /health.
  void SetReady(bool ready);
  void SetInitError(std::optional<std::string> error);
  void SetJobName(std::string name);  // the resolved name, once the job is loaded
  // A fault of the running worker (e.g. it made no progress for too long): /live fails with it,
  // so that an orchestrator restarts the job. nullopt clears it.
  void SetFault(std::optional<std::string> fault);
  // Why the job is not ready, shown as /health's "error" without failing /live (e.g. a worker
  // socket the gateway cannot reach). nullopt clears it.
  void SetNotice(std::optional<std::string> notice);
  // With several workers (gateway --workers N), /ready and /health also say how many are ready:
  // `"workers_ready":R,"workers":N` after the original's keys. One worker: the original's bodies.
  void SetWorkers(size_t ready, size_t total);

  bool ready() const { return ready_; }
  bool live() const { return !error_ && !fault_; }
  // The job could not be loaded (an init error, not a fault of a running worker).
  bool init_failed() const { return error_.has_value(); }

  ProbeAnswer Live() const { return {live() ? 200 : 500, live_body_}; }
  ProbeAnswer Ready() const { return {ready_ ? 200 : 500, ready_body_}; }
  ProbeAnswer Health() const { return {live() && ready_ ? 200 : 500, health_body_}; }

 private:
  void Rebuild();

  DeploymentInfo info_;
  std::string job_name_;
  bool ready_ = false;
  std::optional<std::string> error_;
  std::optional<std::string> fault_;
  std::optional<std::string> notice_;
  size_t workers_ready_ = 0;
  size_t workers_ = 1;
  std::string live_body_;
  std::string ready_body_;
  std::string health_body_;
};

}  // namespace gw::api
