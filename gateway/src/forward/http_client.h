// The unary Http RPC to the worker, for what is not a JSON call: static files, webview apps and
// aux v2 endpoints that bind path and query parameters (ARCHITECTURE §4). Each exchange runs on
// gRPC's threads with a deadline; its result is posted to the loop and reaches `done` there,
// unless the exchange was cancelled first (its client went away). Uses the Forwarder's channel.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/request.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace gw {
class Loop;
}

namespace gw::forward {

struct HttpExchangeRequest {
  std::string endpoint;  // the endpoint path from Describe, e.g. "/xrai" or "/webview"
  std::string method;
  std::string path;  // without the /pub/job/{n}/{v} prefix
  std::string query;
  std::vector<http::Header> headers;
  std::string body;
  std::string base_url;   // e.g. "/pub/job/primer/0.0.1"
  std::string root_path;  // the prefix of this request as received
};

struct HttpExchangeResponse {
  int status = 502;
  std::vector<http::Header> headers;  // lower-case names; content-type included
  std::string body;
  bool worker_error = false;  // the RPC itself failed: `body` is an {"error","type"} JSON body
};

class HttpClient {
 public:
  using Done = std::function<void(HttpExchangeResponse&)>;
  static constexpr uint32_t kDefaultTimeoutMs = 60000;

  explicit HttpClient(Loop& loop) : loop_(loop) {}
  ~HttpClient() { WaitIdle(); }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Loop thread. Returns the exchange's id; `done` runs on the loop unless Cancel(id) came first.
  // timeout_ms 0: kDefaultTimeoutMs (every RPC carries a deadline).
  uint64_t Start(const std::shared_ptr<grpc::Channel>& channel, HttpExchangeRequest request,
                 uint32_t timeout_ms, Done done);
  // Loop thread. The caller no longer waits; the RPC is cancelled.
  void Cancel(uint64_t id);
  size_t in_flight() const { return live_.size(); }
  // Blocks until gRPC has let go of every callback (shutdown).
  void WaitIdle();

 private:
  struct Exchange;
  void Finish(uint64_t id, HttpExchangeResponse& response);

  Loop& loop_;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<Exchange>> live_;  // loop thread only
  std::mutex mu_;
  std::condition_variable idle_cv_;
  int rpcs_in_flight_ = 0;
};

}  // namespace gw::forward
