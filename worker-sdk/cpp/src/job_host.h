// JobHost owns the job instance and its loading state. It constructs the job on its own thread
// (so the server answers health checks meanwhile), records the init error if construction
// throws, answers Describe, and is the one door through which calls reach the job.
// The job is created once and destroyed with the JobHost, after the server has stopped.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "racetrack/internal/dispatch.h"
#include "racetrack/internal/worker_server.h"
#include "racetrack/worker/v1/worker.pb.h"

namespace racetrack::internal {

class JobHost {
 public:
  JobHost(std::string class_name, JobFactory factory, std::uint32_t max_concurrency);
  ~JobHost();  // joins the loader thread, then destroys the job
  JobHost(const JobHost&) = delete;
  JobHost& operator=(const JobHost&) = delete;

  // Starts constructing the job; `on_loaded` runs on the loader thread with the final state.
  void StartLoading(std::function<void(LoadState)> on_loaded);

  LoadState state() const { return state_.load(std::memory_order_acquire); }
  LoadState WaitLoaded(std::chrono::milliseconds timeout) const;

  void Describe(racetrack::worker::v1::JobDescription& out) const;

  // The job's gauges (empty unless loaded); an exception's text goes into `out.error`.
  void CollectMetrics(racetrack::worker::v1::MetricsReply& out);

  // Runs one call; 503 "JobNotReady" unless the job is loaded. Safe from any thread.
  CallOutcome Invoke(std::string_view endpoint, std::string_view payload_json);

 private:
  void Load(const std::function<void(LoadState)>& on_loaded);
  void BuildDescription();

  const std::string class_name_;
  const std::uint32_t max_concurrency_;
  JobFactory factory_;

  std::atomic<LoadState> state_{LoadState::kLoading};
  // Written by the loader thread before state_ leaves kLoading (release); read after (acquire).
  std::unique_ptr<Job> job_;
  AuxiliaryTable auxiliary_;  // collected once, right after construction
  std::string init_error_;
  racetrack::worker::v1::JobDescription ready_description_;

  mutable std::mutex mu_;  // guards settled_: loading is over and its callback has run
  mutable std::condition_variable settled_cv_;
  bool settled_ = false;
  std::thread loader_;
};

}  // namespace racetrack::internal
