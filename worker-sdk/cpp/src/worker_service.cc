// Describe, Metrics, Http and the Calls stream registry.
#include "worker_service.h"

namespace racetrack::internal {
namespace v1 = racetrack::worker::v1;

WorkerService::WorkerService(JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
                             std::size_t max_message_bytes)
    : host_(host), pool_(pool), dispatch_(dispatch), max_message_bytes_(max_message_bytes) {}

void WorkerService::Listen(CompletionDrain& drain) {
  drain_ = &drain;
  queue_ = drain.queue();
  describe_.drain = metrics_.drain = http_.drain = &drain;
  describe_.request = [this](grpc::ServerContext* context, v1::DescribeRequest* request,
                             DescribeRpc::Writer* writer, void* tag) {
    service_.RequestDescribe(context, request, writer, queue_, queue_, tag);
  };
  describe_.serve = [this](DescribeRpc& rpc) {
    host_.Describe(rpc.response());
    rpc.Answer(grpc::Status::OK);
  };
  metrics_.request = [this](grpc::ServerContext* context, v1::MetricsRequest* request,
                            MetricsRpc::Writer* writer, void* tag) {
    service_.RequestMetrics(context, request, writer, queue_, queue_, tag);
  };
  // The job's Metrics() runs on the completion drain: it is meant to be quick.
  metrics_.serve = [this](MetricsRpc& rpc) {
    drain_->JobCodeRuns();
    host_.CollectMetrics(rpc.response());
    rpc.Answer(grpc::Status::OK);
  };
  http_.request = [this](grpc::ServerContext* context, v1::HttpRequest* request,
                         HttpRpc::Writer* writer, void* tag) {
    service_.RequestHttp(context, request, writer, queue_, queue_, tag);
  };
  http_.serve = [this](HttpRpc& rpc) { ServeHttp(rpc); };
  DescribeRpc::Listen(describe_);
  MetricsRpc::Listen(metrics_);
  HttpRpc::Listen(http_);
  ListenForCalls();
}

void WorkerService::ListenForCalls() {
  CallStream::Listen(service_, *drain_, host_, pool_, dispatch_, max_message_bytes_,
                     {.accepted = [this](CallStream* stream) { Accepted(stream); },
                      .done = [this](CallStream* stream) { Forget(stream); }});
}

void WorkerService::Accepted(CallStream* stream) {
  ListenForCalls();
  std::lock_guard lock(mu_);
  streams_.insert(stream);
  if (draining_) stream->Drain();
}

void WorkerService::Drain() {
  std::lock_guard lock(mu_);
  draining_ = true;
  for (CallStream* stream : streams_) stream->Drain();
}

void WorkerService::ServeHttp(HttpRpc& rpc) {
  {
    std::lock_guard lock(mu_);
    ++http_in_flight_;
  }
  auto answer = [this, &rpc] {
    // Job code outside the busy lane: a lane call running meanwhile did not run alone.
    DispatchPolicy::CallMark mark;
    if (dispatch_.busy_lane()) mark = dispatch_.Begin(Placement::kPool);
    const bool served = host_.Http(rpc.request(), rpc.response());
    if (dispatch_.busy_lane()) dispatch_.End(mark);
    HttpDone(rpc, served ? grpc::Status::OK
                         : grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                        "the job serves no HTTP endpoints"));
  };
  if (!dispatch_.uses_pool()) {
    drain_->JobCodeRuns();
    answer();  // inline dispatch: the pool has no threads
  } else if (!pool_.Submit(std::move(answer))) {
    HttpDone(rpc, grpc::Status(grpc::StatusCode::UNAVAILABLE, "the worker is shutting down"));
  }
}

void WorkerService::HttpDone(HttpRpc& rpc, const grpc::Status& status) {
  rpc.Answer(status);  // the RPC may be gone once this returns
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
