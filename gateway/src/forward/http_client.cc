#include "forward/http_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "api/json_text.h"
#include "loop/loop.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace gw::forward {
namespace {

namespace pb = ::racetrack::worker::v1;

void ToProto(HttpExchangeRequest& in, pb::HttpRequest* out) {
  out->set_endpoint(std::move(in.endpoint));
  out->set_method(std::move(in.method));
  out->set_path(std::move(in.path));
  out->set_query(std::move(in.query));
  for (http::Header& h : in.headers) {
    pb::Header* header = out->add_headers();
    header->set_name(std::move(h.name));
    header->set_value(std::move(h.value));
  }
  out->set_body(std::move(in.body));
  out->set_base_url(std::move(in.base_url));
  out->set_root_path(std::move(in.root_path));
}

// Runs on a gRPC thread: the loop only moves the result into the response.
HttpExchangeResponse FromProto(const grpc::Status& status, pb::HttpResponse& reply) {
  HttpExchangeResponse out;
  if (!status.ok()) {
    bool timeout = status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    out.status = timeout ? 504 : 502;
    out.worker_error = true;
    out.body = api::ErrorBody(timeout ? "the job did not answer in time"
                                      : "the worker failed to answer: " + status.error_message(),
                              timeout ? "Timeout" : "WorkerUnavailable");
    return out;
  }
  out.status = static_cast<int>(reply.status());
  out.headers.reserve(static_cast<size_t>(reply.headers_size()));
  for (pb::Header& h : *reply.mutable_headers()) {
    out.headers.push_back(
        http::Header{std::move(*h.mutable_name()), std::move(*h.mutable_value())});
  }
  out.body = std::move(*reply.mutable_body());
  return out;
}

}  // namespace

struct HttpClient::Exchange {
  grpc::ClientContext context;
  pb::HttpRequest request;
  pb::HttpResponse reply;
  std::unique_ptr<pb::Worker::Stub> stub;
  Done done;
};

uint64_t HttpClient::Start(const std::shared_ptr<grpc::Channel>& channel,
                           HttpExchangeRequest request, uint32_t timeout_ms, Done done) {
  uint64_t id = ++next_id_;
  auto exchange = std::make_shared<Exchange>();
  exchange->done = std::move(done);
  if (!channel) {
    loop_.Post([this, id] {
      HttpExchangeResponse response;
      response.worker_error = true;
      response.status = 503;
      response.body = api::ErrorBody("the job is not ready yet", "JobNotReady");
      Finish(id, response);
    });
    live_.emplace(id, std::move(exchange));
    return id;
  }
  exchange->stub = pb::Worker::NewStub(channel);
  ToProto(request, &exchange->request);
  auto timeout = std::chrono::milliseconds(timeout_ms == 0 ? kDefaultTimeoutMs : timeout_ms);
  exchange->context.set_deadline(std::chrono::system_clock::now() + timeout);
  live_.emplace(id, exchange);
  {
    std::lock_guard lock(mu_);
    ++rpcs_in_flight_;
  }
  Exchange* raw = exchange.get();
  raw->stub->async()->Http(
      &raw->context, &raw->request, &raw->reply, [this, id, exchange](grpc::Status status) {
        auto response = std::make_shared<HttpExchangeResponse>(FromProto(status, exchange->reply));
        loop_.Post([this, id, response] { Finish(id, *response); });
        std::lock_guard lock(mu_);
        if (--rpcs_in_flight_ == 0) idle_cv_.notify_all();
      });
  return id;
}

void HttpClient::Finish(uint64_t id, HttpExchangeResponse& response) {
  auto it = live_.find(id);
  if (it == live_.end()) return;  // cancelled meanwhile
  Done done = std::move(it->second->done);
  live_.erase(it);
  done(response);
}

void HttpClient::Cancel(uint64_t id) {
  auto it = live_.find(id);
  if (it == live_.end()) return;
  it->second->context.TryCancel();
  live_.erase(it);
}

void HttpClient::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return rpcs_in_flight_ == 0; });
}

}  // namespace gw::forward
