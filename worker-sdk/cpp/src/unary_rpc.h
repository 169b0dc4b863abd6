// UnaryRpc: one unary RPC of the worker's services on the completion-queue API. Listen() asks
// gRPC for the next request of a method; when it arrives, on the completion drain, the RPC
// listens for the one after it and hands itself to the method's `serve`, which answers with
// Answer() (at once, or later from any thread). The RPC deletes itself once the answer is sent,
// or when the server shuts down before a request came.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>

#include "racetrack_common/grpc_completion.h"

namespace racetrack::internal {

template <typename Request, typename Response>
class UnaryRpc final : public racetrack_common::Completion {
 public:
  using Writer = grpc::ServerAsyncResponseWriter<Response>;
  // One method: how to ask gRPC for its next request, and how to serve one. Outlives its RPCs.
  struct Method {
    std::function<void(grpc::ServerContext*, Request*, Writer*, void* tag)> request;
    std::function<void(UnaryRpc&)> serve;
  };

  static void Listen(const Method& method) {
    auto* rpc = new UnaryRpc(method);
    method.request(&rpc->context_, &rpc->request_, &rpc->writer_, rpc->tag());
  }

  const Request& request() const { return request_; }
  Response& response() { return response_; }

  // Sends the response (with an OK status) or the error status. Exactly once per request.
  void Answer(const grpc::Status& status) {
    answered_ = true;
    writer_.Finish(response_, status, tag());
  }

  void Complete(bool ok) override {
    if (answered_ || !ok) {  // the answer is sent (or the call is gone), or the server stopped
      delete this;
      return;
    }
    Listen(method_);
    method_.serve(*this);
  }

 private:
  explicit UnaryRpc(const Method& method) : method_(method), writer_(&context_) {}
  ~UnaryRpc() = default;

  const Method& method_;
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  Writer writer_;
  bool answered_ = false;  // set before the answer starts; read when it completes
};

}  // namespace racetrack::internal
