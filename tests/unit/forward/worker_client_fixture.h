// The fixture of the gRPC WorkerClient's loop-level tests: a real gw::Loop run on the test
// thread, the client made by MakeGrpcWorkerClient, and a FakeWorker (a real gRPC server on a
// unix socket) on gRPC's threads. The fixture is the client's CallSink and WorkerEvents and
// records everything it hears. Every test ends with the client shut down, the loop run out and
// Loop::Close() == 0 (no handle leaked), and no call reported twice.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../loop/run_until.h"
#include "fake_worker.h"
#include "forward/grpc_worker_client.h"
#include "http/request.h"
#include "loop/loop.h"

namespace gw::forward {

class WorkerClientTest : public ::testing::Test, public CallSink, public WorkerEvents {
 protected:
  static constexpr uint64_t kPollMs = 10;

  void SetUp() override { ASSERT_TRUE(fake_.Start()); }

  void TearDown() override {
    if (client_ && !shut_down_) {
      client_->Shutdown([this] { shutdown_done_ = true; });
      shut_down_ = true;
      EXPECT_TRUE(test_support::RunOut(loop_)) << "the loop did not run out after Shutdown";
      EXPECT_TRUE(shutdown_done_);
    }
    client_.reset();
    EXPECT_EQ(loop_.Close(), 0) << "a handle was left open";
    // Joins the completion thread: it returns only once gRPC holds none of the client's operations.
    StopCompletions();
    // Each call ends once (worker_done), after at most one verdict of the gateway's own.
    for (const auto& [id, results] : results_) {
      ASSERT_FALSE(results.empty());
      EXPECT_TRUE(results.back().worker_done) << "call " << id << " never ended";
      EXPECT_LE(results.size(), 2u) << "call " << id << " was reported " << results.size();
      if (results.size() == 2) {
        EXPECT_FALSE(results.front().worker_done) << "call " << id;
      }
    }
  }

  void Make() {
    WorkerClientOptions options;
    options.address = fake_.address();
    options.poll_interval_ms = kPollMs;
    client_ = MakeGrpcWorkerClient(loop_, options, this, this);
    client_->Start();
  }

  // A client whose worker is ready (OnWorkerReady heard once).
  void MakeReady() {
    fake_.SetReady();
    Make();
    ASSERT_TRUE(Until([&] { return ready_count_ == 1; })) << "the worker never became ready";
  }

  // Shuts the client down and runs the loop out; `done` must have run.
  void ShutdownAndRunOut() {
    client_->Shutdown([this] { shutdown_done_ = true; });
    shut_down_ = true;
    EXPECT_TRUE(test_support::RunOut(loop_)) << "the loop did not run out after Shutdown";
    EXPECT_TRUE(shutdown_done_);
  }

  bool Until(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = test_support::kConditionTimeout) {
    return test_support::RunUntil(loop_, condition, timeout);
  }

  static http::Request PostRequest(std::string target = "/pub/job/fake/1.0/api/v1/perform") {
    http::Request request;
    request.method = http::Method::kPost;
    request.method_name = "POST";
    request.target = std::move(target);
    request.headers.push_back({"content-type", "application/json"});
    request.headers.push_back({"x-request-id", "abc"});
    return request;
  }

  void Call(uint64_t id, std::string endpoint, std::string payload = R"({"n":1})",
            uint32_t timeout_ms = 0) {
    http::Request request = PostRequest();
    client_->StartCall(id, endpoint, std::move(payload), request, timeout_ms);
  }

  static HttpCall Http(std::string endpoint) {
    HttpCall call;
    call.endpoint = std::move(endpoint);
    call.method = "GET";
    call.path = "/api/v1/static/page.txt";
    call.query = "a=1";
    call.headers.push_back({"accept", "text/plain"});
    call.base_url = "/pub/job/fake/1.0";
    call.root_path = "/pub/job/fake/1.0";
    return call;
  }

  bool Has(uint64_t id) const { return results_.count(id) != 0; }
  bool HasAll(std::initializer_list<uint64_t> ids) const {
    for (uint64_t id : ids) {
      if (!Has(id)) return false;
    }
    return true;
  }
  const CallResult& Result(uint64_t id) {
    static const CallResult kNone{};
    auto it = results_.find(id);
    if (it == results_.end() || it->second.empty()) {
      ADD_FAILURE() << "no result for call " << id;
      return kNone;
    }
    return it->second.front();
  }

  // CallSink
  void OnCallDone(uint64_t id, CallResult& result) override { results_[id].push_back(result); }
  // WorkerEvents
  void OnWorkerReady(const JobDescription& description) override {
    ++ready_count_;
    description_ = description;
  }
  void OnWorkerFailed(const std::string& error) override {
    ++failed_count_;
    failed_error_ = error;
  }
  void OnWorkerLost(const std::string& reason) override {
    ++lost_count_;
    lost_reason_ = reason;
  }
  void OnWorkerUnreachable(const std::string& reason) override { unreachable_ = reason; }

  Loop loop_;
  test_support::FakeWorker fake_;
  std::unique_ptr<WorkerClient> client_;
  bool shut_down_ = false;
  bool shutdown_done_ = false;

  std::map<uint64_t, std::vector<CallResult>> results_;
  int ready_count_ = 0;
  int failed_count_ = 0;
  int lost_count_ = 0;
  JobDescription description_;
  std::string failed_error_;
  std::string lost_reason_;
  std::string unreachable_;
};

}  // namespace gw::forward
