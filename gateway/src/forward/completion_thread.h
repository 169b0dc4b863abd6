// The gateway's one gRPC completion queue and the thread that drains it. Every asynchronous gRPC
// operation of forward/ (the Calls streams, the unary RPCs) completes here, and its completion
// only hands results to the loop (Loop::Post). One thread that polls gRPC's sockets and runs the
// completions costs fewer thread wake-ups per exchange than gRPC's callback threads (two or more,
// passing the poller role to each other on every event). forward/ only (it includes gRPC).
#pragma once

#include <grpcpp/grpcpp.h>

#include <thread>

#include "racetrack_common/grpc_completion.h"

namespace gw::forward {

using racetrack_common::Completion;
using racetrack_common::MemberCompletion;

class CompletionThread {
 public:
  // The process's completion thread, started on first use.
  static CompletionThread& Get();
  // Ends the thread once every operation has completed (StopCompletions, grpc_worker_client.h);
  // a later Get() starts a new one.
  static void Stop();

  grpc::CompletionQueue* queue() { return &queue_; }

  CompletionThread(const CompletionThread&) = delete;
  CompletionThread& operator=(const CompletionThread&) = delete;

 private:
  CompletionThread();
  ~CompletionThread();
  void Run();

  grpc::CompletionQueue queue_;
  std::thread thread_;
};

}  // namespace gw::forward
