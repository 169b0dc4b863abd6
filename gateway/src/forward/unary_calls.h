// Unary RPCs made from the loop (Health, Describe, Metrics, Http), all through one helper: it
// sets the deadline, holds the loop while gRPC has the call, hands the result back from the
// completion thread through Loop::Post, counts the calls in flight and can cancel them all.
// Nothing here blocks the loop. forward/ only (it includes gRPC).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <unordered_set>
#include <utility>

#include "forward/completion_thread.h"
#include "forward/worker_link.h"
#include "loop/loop.h"

namespace gw::forward {

// One RPC's state, shared by the completion (it is the RPC's tag) and the posted result.
template <typename Request, typename Response>
struct UnaryRpc final : Completion {
  std::shared_ptr<WorkerLink> link;  // keeps the channel and stubs alive for this RPC
  grpc::ClientContext context;
  Request request;
  Response response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
  std::function<void()> on_complete;  // holds the RPC until it completes

  void Complete(bool /*ok: always true for a unary RPC's Finish*/) override {
    std::exchange(on_complete, nullptr)();
  }
};

class UnaryCalls {
 public:
  explicit UnaryCalls(Loop& loop) : loop_(loop) {}
  UnaryCalls(const UnaryCalls&) = delete;
  UnaryCalls& operator=(const UnaryCalls&) = delete;

  // Loop thread. `prepare(context, request)` prepares the RPC on one of the link's stubs, on the
  // link's queue; `done(rpc)` runs on the loop thread once gRPC has finished with it.
  template <typename Rpc, typename Prepare, typename Done>
  void Run(std::shared_ptr<Rpc> rpc, std::chrono::milliseconds deadline, Prepare prepare,
           Done done) {
    rpc->context.set_deadline(std::chrono::system_clock::now() + deadline);
    loop_.Hold();
    live_.insert(&rpc->context);
    Rpc* raw = rpc.get();
    raw->on_complete = [this, rpc = std::move(rpc), done = std::move(done)]() mutable {
      // Completion thread: only hand over. Nothing of `this` is touched here.
      loop_.Post([this, rpc = std::move(rpc), done = std::move(done)]() mutable {
        live_.erase(&rpc->context);
        done(*rpc);
        loop_.Release();
        if (live_.empty() && on_idle_) std::exchange(on_idle_, nullptr)();
      });
    };
    raw->reader = prepare(&raw->context, raw->request);
    raw->reader->StartCall();
    raw->reader->Finish(&raw->response, &raw->status, raw->tag());
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
