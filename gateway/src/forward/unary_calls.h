// Unary RPCs made from the loop (Health, Describe, Metrics, Http), all through one helper: it
// sets the deadline, holds the loop while gRPC has the call, hands the result back through
// Loop::Post, counts the calls in flight and can cancel them all. Nothing here blocks the loop.
// forward/ only (it includes gRPC).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <unordered_set>
#include <utility>

#include "forward/worker_link.h"
#include "loop/loop.h"

namespace gw::forward {

// One RPC's state, shared by the gRPC callback and the posted completion.
template <typename Request, typename Response>
struct UnaryRpc {
  std::shared_ptr<WorkerLink> link;  // keeps the channel and stubs alive for this RPC
  grpc::ClientContext context;
  Request request;
  Response response;
  grpc::Status status;
};

class UnaryCalls {
 public:
  explicit UnaryCalls(Loop& loop) : loop_(loop) {}
  UnaryCalls(const UnaryCalls&) = delete;
  UnaryCalls& operator=(const UnaryCalls&) = delete;

  // Loop thread. `invoke(context, request, response, callback)` starts the RPC on one of the
  // link's stubs; `done(rpc)` runs on the loop thread once gRPC has finished with it.
  template <typename Rpc, typename Invoke, typename Done>
  void Run(std::shared_ptr<Rpc> rpc, std::chrono::milliseconds deadline, Invoke invoke, Done done) {
    rpc->context.set_deadline(std::chrono::system_clock::now() + deadline);
    loop_.Hold();
    live_.insert(&rpc->context);
    invoke(&rpc->context, &rpc->request, &rpc->response,
           [this, rpc, done = std::move(done)](grpc::Status status) mutable {
             // gRPC thread: only hand over. Nothing of `this` is touched here.
             rpc->status = std::move(status);
             loop_.Post([this, rpc, done = std::move(done)]() mutable {
               live_.erase(&rpc->context);
               done(*rpc);
               loop_.Release();
               if (live_.empty() && on_idle_) std::exchange(on_idle_, nullptr)();
             });
           });
  }

  // Asks gRPC to end every RPC now (their completions still arrive, cancelled).
  void CancelAll() {
    for (grpc::ClientContext* context : live_) context->TryCancel();
  }
  size_t in_flight() const { return live_.size(); }
  // `fn` runs once no RPC is in flight (now, if none is).
  void WhenIdle(std::function<void()> fn) {
    if (live_.empty()) {
      fn();
    } else {
      on_idle_ = std::move(fn);
    }
  }

 private:
  Loop& loop_;
  std::unordered_set<grpc::ClientContext*> live_;  // loop thread only
  std::function<void()> on_idle_;
};

}  // namespace gw::forward
