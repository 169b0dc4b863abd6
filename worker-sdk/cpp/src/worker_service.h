// WorkerService: the racetrack.worker.v1.Worker service, on the completion-queue API. Describe
// and Metrics are answered from the JobHost on the completion drain; each Calls RPC becomes a
// CallStream; an Http request runs on the call pool (job code may block). The service keeps a
// registry of open streams so that shutdown can end them once their calls are answered (a
// long-lived stream would otherwise hold the server's graceful shutdown until its deadline), and
// counts Http requests in flight for the drain.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

#include "call_pool.h"
#include "call_stream.h"
#include "completion_drain.h"
#include "dispatch_policy.h"
#include "job_host.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"
#include "unary_rpc.h"

namespace racetrack::internal {

class WorkerService {
 public:
  WorkerService(JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
                std::size_t max_message_bytes);

  // What the server builder registers.
  grpc::Service* service() { return &service_; }

  // Starts taking requests from the drain's queue (once the server has started).
  void Listen(CompletionDrain& drain);

  // Open streams end once their calls are answered; streams opened later end at once.
  void Drain();

  // Blocks until no Calls stream is open (the gateway has closed its streams, so no call is in
  // flight either) and no Http request is being answered, or `timeout` passes; returns whether
  // the worker is idle.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  using DescribeRpc =
      UnaryRpc<racetrack::worker::v1::DescribeRequest, racetrack::worker::v1::JobDescription>;
  using MetricsRpc =
      UnaryRpc<racetrack::worker::v1::MetricsRequest, racetrack::worker::v1::MetricsReply>;
  using HttpRpc = UnaryRpc<racetrack::worker::v1::HttpRequest, racetrack::worker::v1::HttpResponse>;

  void ListenForCalls();
  void Accepted(CallStream* stream);
  void Forget(CallStream* stream);
  void ServeHttp(HttpRpc& rpc);
  void HttpDone(HttpRpc& rpc, const grpc::Status& status);
  bool IdleLocked() const { return streams_.empty() && http_in_flight_ == 0; }

  JobHost& host_;
  CallPool& pool_;
  DispatchPolicy& dispatch_;
  const std::size_t max_message_bytes_;
  racetrack::worker::v1::Worker::AsyncService service_;
  CompletionDrain* drain_ = nullptr;              // set by Listen
  grpc::ServerCompletionQueue* queue_ = nullptr;  // the drain's
  DescribeRpc::Method describe_;
  MetricsRpc::Method metrics_;
  HttpRpc::Method http_;

  std::mutex mu_;                            // lock order: mu_ before a stream's own mutex
  std::unordered_set<CallStream*> streams_;  // accepted, until gRPC is done with them
  std::size_t http_in_flight_ = 0;
  bool draining_ = false;
  std::condition_variable idle_;  // notified when the worker becomes idle (IdleLocked)
};

}  // namespace racetrack::internal
