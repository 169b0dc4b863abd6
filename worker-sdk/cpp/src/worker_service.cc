// Describe, Metrics and the Calls stream registry.
#include "worker_service.h"

namespace racetrack::internal {
namespace v1 = racetrack::worker::v1;

grpc::ServerUnaryReactor* WorkerService::Describe(grpc::CallbackServerContext* context,
                                                  const v1::DescribeRequest* /*request*/,
                                                  v1::JobDescription* response) {
  host_.Describe(*response);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

// The job's Metrics() runs inline on the gRPC thread: it is meant to be quick.
grpc::ServerUnaryReactor* WorkerService::Metrics(grpc::CallbackServerContext* context,
                                                 const v1::MetricsRequest* /*request*/,
                                                 v1::MetricsReply* response) {
  host_.CollectMetrics(*response);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerBidiReactor<v1::CallBatch, v1::ReplyBatch>* WorkerService::Calls(
    grpc::CallbackServerContext* /*context*/) {
  std::shared_ptr<CallStream> stream = CallStream::Open(host_, pool_, max_message_bytes_,
                                                        [this](CallStream* done) { Forget(done); });
  std::lock_guard lock(mu_);
  streams_.insert(stream.get());
  if (draining_) stream->Drain();
  return stream.get();
}

void WorkerService::Drain() {
  std::lock_guard lock(mu_);
  draining_ = true;
  for (CallStream* stream : streams_) stream->Drain();
}

bool WorkerService::WaitNoStreams(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return no_streams_.wait_for(lock, timeout, [this] { return streams_.empty(); });
}

void WorkerService::Forget(CallStream* stream) {
  std::lock_guard lock(mu_);
  streams_.erase(stream);
  if (streams_.empty()) no_streams_.notify_all();
}

}  // namespace racetrack::internal
