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
  std::shared_ptr<CallStream> stream = CallStream::Open(host_, pool_, dispatch_, max_message_bytes_,
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

grpc::ServerUnaryReactor* WorkerService::Http(grpc::CallbackServerContext* context,
                                              const v1::HttpRequest* request,
                                              v1::HttpResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  {
    std::lock_guard lock(mu_);
    ++http_in_flight_;
  }
  auto answer = [this, reactor, request, response] {
    const bool served = host_.Http(*request, *response);
    HttpDone(reactor, served ? grpc::Status::OK
                             : grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                            "the job serves no HTTP endpoints"));
  };
  if (!dispatch_.uses_pool()) {
    answer();  // inline dispatch: the pool has no threads
  } else if (!pool_.Submit(std::move(answer))) {
    HttpDone(reactor, grpc::Status(grpc::StatusCode::UNAVAILABLE, "the worker is shutting down"));
  }
  return reactor;
}

void WorkerService::HttpDone(grpc::ServerUnaryReactor* reactor, const grpc::Status& status) {
  reactor->Finish(status);
  std::lock_guard lock(mu_);
  --http_in_flight_;
  if (IdleLocked()) idle_.notify_all();
}

bool WorkerService::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, timeout, [this] { return IdleLocked(); });
}

void WorkerService::Forget(CallStream* stream) {
  std::lock_guard lock(mu_);
  streams_.erase(stream);
  if (IdleLocked()) idle_.notify_all();
}

}  // namespace racetrack::internal
