// WorkerService: the racetrack.worker.v1.Worker service. Describe and Metrics are answered from
// the JobHost; each Calls RPC becomes a CallStream; an Http request runs on the call pool (job
// code may block). The service keeps a registry of open streams so that shutdown can end them
// once their calls are answered (a long-lived stream would otherwise hold the server's graceful
// shutdown until its deadline), and counts Http requests in flight for the drain.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

#include "call_pool.h"
#include "call_stream.h"
#include "dispatch_policy.h"
#include "job_host.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace racetrack::internal {

class WorkerService final : public racetrack::worker::v1::Worker::CallbackService {
 public:
  WorkerService(JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
                std::size_t max_message_bytes)
      : host_(host), pool_(pool), dispatch_(dispatch), max_message_bytes_(max_message_bytes) {}

  grpc::ServerUnaryReactor* Describe(grpc::CallbackServerContext* context,
                                     const racetrack::worker::v1::DescribeRequest* request,
                                     racetrack::worker::v1::JobDescription* response) override;

  grpc::ServerUnaryReactor* Metrics(grpc::CallbackServerContext* context,
                                    const racetrack::worker::v1::MetricsRequest* request,
                                    racetrack::worker::v1::MetricsReply* response) override;

  grpc::ServerBidiReactor<racetrack::worker::v1::CallBatch, racetrack::worker::v1::ReplyBatch>*
  Calls(grpc::CallbackServerContext* context) override;

  grpc::ServerUnaryReactor* Http(grpc::CallbackServerContext* context,
                                 const racetrack::worker::v1::HttpRequest* request,
                                 racetrack::worker::v1::HttpResponse* response) override;

  // Open streams end once their calls are answered; streams opened later end at once.
  void Drain();

  // Blocks until no Calls stream is open (the gateway has closed its streams, so no call is in
  // flight either) and no Http request is being answered, or `timeout` passes; returns whether
  // the worker is idle.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  void Forget(CallStream* stream);
  void HttpDone(grpc::ServerUnaryReactor* reactor, const grpc::Status& status);
  bool IdleLocked() const { return streams_.empty() && http_in_flight_ == 0; }

  JobHost& host_;
  CallPool& pool_;
  DispatchPolicy& dispatch_;
  const std::size_t max_message_bytes_;
  std::mutex mu_;                            // lock order: mu_ before a stream's own mutex
  std::unordered_set<CallStream*> streams_;  // alive until their OnDone removes them
  std::size_t http_in_flight_ = 0;
  bool draining_ = false;
  std::condition_variable idle_;  // notified when the worker becomes idle (IdleLocked)
};

}  // namespace racetrack::internal
