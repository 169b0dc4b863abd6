#include "forward/job_metrics_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "loop/loop.h"
#include "observability/log.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace gw::forward {
namespace {

namespace pb = ::racetrack::worker::v1;

// One RPC in flight: owned by the gRPC callback, then by the posted completion.
struct MetricsCall {
  grpc::ClientContext context;
  pb::MetricsRequest request;
  pb::MetricsReply reply;
  std::unique_ptr<pb::Worker::Stub> stub;
  JobMetricsClient::Done done;
};

// Runs on a gRPC thread, so the loop only appends the converted gauges.
std::vector<observability::JobGauge> ToGauges(const grpc::Status& status, pb::MetricsReply& reply) {
  std::vector<observability::JobGauge> gauges;
  if (!status.ok()) {
    if (log::Enabled(log::Level::kDebug)) {
      log::Debug("job metrics omitted: Metrics RPC failed (" +
                 std::to_string(static_cast<int>(status.error_code())) +
                 "): " + status.error_message());
    }
    return gauges;
  }
  if (!reply.error().empty() && log::Enabled(log::Level::kDebug)) {
    log::Debug("the job's metrics() failed: " + reply.error());
  }
  gauges.reserve(static_cast<size_t>(reply.metrics_size()));
  for (pb::JobMetric& m : *reply.mutable_metrics()) {
    observability::JobGauge g;
    g.name = std::move(*m.mutable_name());
    g.value = m.value();
    g.description = std::move(*m.mutable_description());
    // A proto map has no order; sort the labels so that a series always reads the same.
    for (const auto& [key, value] : m.labels()) g.labels.emplace_back(key, value);
    std::sort(g.labels.begin(), g.labels.end());
    gauges.push_back(std::move(g));
  }
  return gauges;
}

}  // namespace

void JobMetricsClient::Collect(const std::shared_ptr<grpc::Channel>& channel, Done done) {
  if (!channel) {
    done({});
    return;
  }
  auto call = std::make_shared<MetricsCall>();
  call->stub = pb::Worker::NewStub(channel);
  call->done = std::move(done);
  call->context.set_deadline(std::chrono::system_clock::now() + kJobMetricsDeadline);
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  call->stub->async()->Metrics(
      &call->context, &call->request, &call->reply, [this, call](grpc::Status status) {
        auto gauges =
            std::make_shared<std::vector<observability::JobGauge>>(ToGauges(status, call->reply));
        loop_.Post([call, gauges] { call->done(std::move(*gauges)); });
        std::lock_guard lock(mu_);
        if (--in_flight_ == 0) idle_cv_.notify_all();
      });
}

void JobMetricsClient::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return in_flight_ == 0; });
}

}  // namespace gw::forward
