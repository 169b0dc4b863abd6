// The fixture of JobCalls' loop-level tests: a real Listener on 127.0.0.1:0 whose handler routes
// every request to JobCalls::StartJsonCall ("/perform") and every abandoned connection to
// JobCalls::Abandon, a real Responder and Metrics, and a test double of the WorkerClient that
// records the calls it is given and answers only when the test says so. The loop runs on the test
// thread; blocking clients (../server/test_client.h) run on another and reach loop-owned objects
// only through Loop::Post (OnLoop). The product path from routing to the worker is covered end to
// end by the integration tests; this fixture isolates JobCalls' own rules (admission, deadlines
// from arrival, abandonment, outcome → answer).
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../loop/on_loop.h"
#include "../server/test_client.h"
#include "app/responder.h"
#include "calls/job_calls.h"
#include "forward/worker_client.h"
#include "loop/loop.h"
#include "observability/metrics.h"
#include "server/connection.h"
#include "server/listener.h"

namespace gw::calls {

using test_support::HttpResponse;
using test_support::TestClient;

inline constexpr auto kWait = std::chrono::seconds(TestClient::kIoTimeoutSeconds);

// A WorkerClient that only records: calls it is given wait until the test answers them.
// StartCall/StartHttp/Cancel run on the loop thread; the records are read from any thread.
class RecordingWorker : public forward::WorkerClient {
 public:
  struct Started {
    uint64_t id;
    std::string endpoint;
    std::string payload;
    uint32_t timeout_ms;
  };

  void Start() override {}
  void Reset(const std::string&) override {}
  void Shutdown(std::function<void()> done) override { done(); }
  bool ready() const override { return true; }
  const forward::JobDescription* description() const override { return nullptr; }
  size_t in_flight() const override { return 0; }
  uint64_t last_progress_ms() const override { return 0; }
  void StartCall(uint64_t id, std::string_view endpoint, std::string&& payload_json,
                 const http::Request&, uint32_t timeout_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    started_.push_back({id, std::string(endpoint), std::move(payload_json), timeout_ms});
    changed_.notify_all();
  }
  void StartHttp(uint64_t id, forward::HttpCall&& call, uint32_t timeout_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    started_.push_back({id, call.endpoint, std::move(call.body), timeout_ms});
    changed_.notify_all();
  }
  void Cancel(uint64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.push_back(id);
    changed_.notify_all();
  }
  void CollectGauges(GaugesDone done) override { done({}); }

  // Any thread: waits until `count` calls have been started; returns them.
  std::vector<Started> WaitStarted(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, kWait, [&] { return started_.size() >= count; });
    return started_;
  }
  std::vector<uint64_t> WaitCancelled(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, kWait, [&] { return cancelled_.size() >= count; });
    return cancelled_;
  }
  std::vector<Started> started() const {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }
  std::vector<uint64_t> cancelled() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Started> started_;
  std::vector<uint64_t> cancelled_;
};

class JobCallsTest : public ::testing::Test, public server::ConnectionHandler {
 protected:
  static constexpr uint64_t kWatchdogMs = 20'000;

  void TearDown() override { loop_.Close(); }

  // Creates JobCalls with `options` and `limits`; call before Serve.
  void Make(JobCallsOptions options, admission::AdmissionLimits limits = {}) {
    job_calls_ = std::make_unique<JobCalls>(loop_, responder_, metrics_, std::move(options));
    job_calls_->SetWorker(&worker_);
    job_calls_->SetLimits(limits);
  }

  // Runs the loop on this thread and `client` on another; then stops listening, lets every
  // connection close, closes JobCalls and checks that nothing is left: no exchange, no handle.
  void Serve(const std::function<void(int port)>& client) {
    listener_ = std::make_unique<server::Listener>(loop_.uv(), limits_, this);
    ASSERT_EQ(listener_->Listen("127.0.0.1", 0), 0);
    int port = listener_->port();
    uv_timer_init(loop_.uv(), &watchdog_);
    uv_timer_start(
        &watchdog_,
        [](uv_timer_t* timer) {
          ADD_FAILURE() << "the loop did not finish";
          uv_stop(timer->loop);
        },
        kWatchdogMs, 0);
    uv_unref(reinterpret_cast<uv_handle_t*>(&watchdog_));
    std::thread client_thread([&] {
      client(port);
      loop_.Post([this] { listener_->Stop(); });
    });
    loop_.Run();
    client_thread.join();
    uv_close(reinterpret_cast<uv_handle_t*>(&watchdog_), nullptr);

    EXPECT_EQ(listener_->connections().size(), 0u);
    EXPECT_EQ(job_calls_->active(), 0u) << "an exchange was never finished";
    EXPECT_EQ(job_calls_->queued(), 0u);
    bool closed = false;
    job_calls_->Close([&] { closed = true; });
    loop_.Run();
    EXPECT_TRUE(closed);
    EXPECT_EQ(loop_.Close(), 0);
  }

  // From the client thread: runs `fn` on the loop thread and waits for it.
  template <typename Fn>
  auto OnLoop(Fn fn) -> decltype(fn()) {
    return test_support::OnLoop(loop_, std::move(fn), kWait);
  }

  // From the client thread: waits until `condition` holds on the loop thread (asked again every
  // millisecond: the loop has no event for what the condition reads), at most kWait.
  template <typename Condition>
  bool WaitOnLoop(Condition condition) {
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (!OnLoop(condition)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  // From the client thread: the worker's answer to call `id`.
  void Answer(uint64_t id, forward::CallResult result) {
    OnLoop([this, id, result]() mutable { job_calls_->OnCallDone(id, result); });
  }
  static forward::CallResult Answered(std::string body) {
    forward::CallResult result;
    result.body = std::move(body);
    result.worker_seconds = 0.002;
    return result;
  }
  static forward::CallResult Ended(forward::CallEnd end, std::string message = {}) {
    forward::CallResult result;
    result.end = end;
    result.message = std::move(message);
    return result;
  }

  static std::string Post(std::string_view body) {
    return "POST /api/v1/perform HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  }

  // Any thread: waits until `count` connections have been abandoned.
  bool WaitAbandoned(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    return abandoned_changed_.wait_for(lock, kWait, [&] { return abandoned_ >= count; });
  }

  // server::ConnectionHandler
  void OnRequest(server::Connection* conn, http::Request& request) override {
    responder_.Started(conn, request);
    job_calls_->StartJsonCall(conn, request, "/perform", std::string(R"({"example":true})"));
  }
  void OnAbandoned(server::Connection* conn) override {
    job_calls_->Abandon(conn->pending_tag);
    std::lock_guard<std::mutex> lock(mu_);
    ++abandoned_;
    abandoned_changed_.notify_all();
  }

  Loop loop_;
  observability::Metrics metrics_{"test"};
  app::Responder responder_{metrics_};
  RecordingWorker worker_;
  std::unique_ptr<JobCalls> job_calls_;
  http::Limits limits_;
  std::unique_ptr<server::Listener> listener_;
  uv_timer_t watchdog_;
  std::mutex mu_;
  std::condition_variable abandoned_changed_;
  int abandoned_ = 0;
};

}  // namespace gw::calls
