// Fetches the job's own gauges from the worker (the unary Metrics RPC) for a /metrics scrape.
// The RPC runs on gRPC's threads with a short deadline; the result (empty on any failure, e.g.
// an SDK without Metrics) is posted to the loop, which never waits. Uses the Forwarder's channel.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "observability/metrics.h"

namespace grpc {
class Channel;
}

namespace gw {
class Loop;
}

namespace gw::forward {

inline constexpr std::chrono::milliseconds kJobMetricsDeadline{2000};

class JobMetricsClient {
 public:
  using Done = std::function<void(std::vector<observability::JobGauge>)>;

  explicit JobMetricsClient(Loop& loop) : loop_(loop) {}
  ~JobMetricsClient() { WaitIdle(); }
  JobMetricsClient(const JobMetricsClient&) = delete;
  JobMetricsClient& operator=(const JobMetricsClient&) = delete;

  // Asks the worker behind `channel`; `done` runs on the loop thread exactly once.
  void Collect(const std::shared_ptr<grpc::Channel>& channel, Done done);
  // Blocks until gRPC has let go of every callback (shutdown).
  void WaitIdle();

 private:
  Loop& loop_;
  std::mutex mu_;
  std::condition_variable idle_cv_;
  int in_flight_ = 0;
};

}  // namespace gw::forward
