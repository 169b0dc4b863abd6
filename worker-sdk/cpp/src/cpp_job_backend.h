// CppJobBackend: hosts a racetrack::Job. Constructs it with the job's factory, asks it for its
// docs once (so that Describe never calls job code), and runs its calls through InvokeJob.
#pragma once

#include <memory>
#include <string>

#include "racetrack/internal/dispatch.h"
#include "racetrack/internal/job_backend.h"
#include "racetrack/serve.h"

namespace racetrack::internal {

class CppJobBackend final : public JobBackend {
 public:
  CppJobBackend(std::string class_name, JobFactory factory);

  LoadState Load() override;
  std::string InitError() const override { return init_error_; }
  void Describe(LoadState state, racetrack::worker::v1::JobDescription& out) const override;
  void CollectMetrics(racetrack::worker::v1::MetricsReply& out) override;
  CallOutcome Invoke(const racetrack::worker::v1::Call& call, const CallContext& context,
                     bool count_waits) override;

 private:
  void BuildDescription();

  const std::string class_name_;
  JobFactory factory_;
  // Written by Load before the runtime publishes kReady; read only after.
  std::unique_ptr<Job> job_;
  AuxiliaryTable auxiliary_;  // collected once, right after construction
  std::string init_error_;
  racetrack::worker::v1::JobDescription ready_description_;
};

}  // namespace racetrack::internal
