// JobHost: the runtime's side of a job, whatever its language. It loads the job through its
// backend on a thread of its own (so the server answers health checks meanwhile), keeps the load
// state, answers Describe, and is the one door through which calls reach the backend: before
// the job is ready they get 503 "JobNotReady" here, without touching the backend.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "racetrack/internal/job_backend.h"

namespace racetrack::internal {

class JobHost {
 public:
  JobHost(std::unique_ptr<JobBackend> backend, std::uint32_t max_concurrency);
  ~JobHost();  // joins the loader thread, then destroys the backend (and the job)
  JobHost(const JobHost&) = delete;
  JobHost& operator=(const JobHost&) = delete;

  // Starts loading the job; `on_loaded` runs on the loader thread with the final state.
  void StartLoading(std::function<void(LoadState)> on_loaded);

  LoadState state() const { return state_.load(std::memory_order_acquire); }
  LoadState WaitLoaded(std::chrono::milliseconds timeout) const;

  void Describe(racetrack::worker::v1::JobDescription& out) const;

  // The job's gauges (empty unless loaded).
  void CollectMetrics(racetrack::worker::v1::MetricsReply& out);

  // Runs one call; 503 "JobNotReady" unless the job is loaded. Safe from any thread.
  CallOutcome Invoke(const racetrack::worker::v1::Call& call, const CallContext& context,
                     bool count_waits = false);

  // Answers an HTTP-shaped request; false when the job serves none. 503 unless loaded.
  bool Http(const racetrack::worker::v1::HttpRequest& request,
            racetrack::worker::v1::HttpResponse& response);

 private:
  void Load(const std::function<void(LoadState)>& on_loaded);
  CallOutcome NotReady() const;

  const std::unique_ptr<JobBackend> backend_;
  const std::uint32_t max_concurrency_;

  std::atomic<LoadState> state_{LoadState::kLoading};
  std::string init_error_;  // written by the loader before state_ becomes kFailed (release)

  mutable std::mutex mu_;  // guards settled_: loading is over and its callback has run
  mutable std::condition_variable settled_cv_;
  bool settled_ = false;
  std::thread loader_;
};

}  // namespace racetrack::internal
