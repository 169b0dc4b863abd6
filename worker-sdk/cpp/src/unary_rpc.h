// UnaryRpc: one unary RPC of the worker's services on the completion-queue API. Listen() asks
// gRPC for the next request of a method; when it arrives, on the completion drain, the RPC
// listens for the one after it and hands itself to the method's `serve`, which answers with
// Answer() (at once, or later from any thread). The RPC deletes itself once the answer is sent,
// or when the server shuts down before a request came.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <mutex>

#include "completion_drain.h"
#include "racetrack_common/grpc_completion.h"

namespace racetrack::internal {

template <typename Request, typename Response>
class UnaryRpc final : public racetrack_common::Completion {
 public:
  using Writer = grpc::ServerAsyncResponseWriter<Response>;
  // One method: how to ask gRPC for its next request, and how to serve one; the drain whose queue
  // the requests complete on. Outlives its RPCs.
  struct Method {
    std::function<void(grpc::ServerContext*, Request*, Writer*, void* tag)> request;
    std::function<void(UnaryRpc&)> serve;
    CompletionDrain* drain = nullptr;
  };

  static void Listen(const Method& method) {
    auto* rpc = new UnaryRpc(method);
    std::lock_guard lock(rpc->mu_);
    method.request(&rpc->context_, &rpc->request_, &rpc->writer_, rpc->tag());
  }

  const Request& request() const { return request_; }
  Response& response() { return response_; }

  // Sends the response (with an OK status) or the error status. Exactly once per request.
  void Answer(const grpc::Status& status) {
    // Under the lock that the completion takes too, so that it is ordered after the whole start
    // (also for ThreadSanitizer, which cannot see gRPC's own synchronisation).
    std::lock_guard lock(mu_);
    answered_ = true;
    writer_.Finish(response_, status, tag());
  }

  void Complete(bool ok) override {
    bool over = !ok;  // the server stopped before a request came (or the answer failed)
    {
      std::lock_guard lock(mu_);
      over = over || answered_;
    }
    if (over) {
      delete this;
      return;
    }
    Listen(method_);
    method_.serve(*this);
  }

 private:
  explicit UnaryRpc(const Method& method)
      : method_(method), counted_(*method.drain), writer_(&context_) {}
  ~UnaryRpc() = default;

  const Method& method_;
  CallObjectCount counted_;
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  Writer writer_;
  std::mutex mu_;
  bool answered_ = false;  // guarded by mu_
};

}  // namespace racetrack::internal
