// Loop-level test support for the server: a ConnectionHandler that answers at once, holds
// requests or answers them from a timer, and a fixture that runs a Listener on 127.0.0.1:0 on
// this thread's loop while a blocking client (test_client.h) runs on another. The client thread
// reaches loop-owned objects only through Loop::Post (OnLoop). Serve() ends every test with no
// connection in the ConnectionSet, no handle left open and uv_loop_close() == 0.
#pragma once

#include <gtest/gtest.h>
#include <uv.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "../loop/on_loop.h"
#include "loop/loop.h"
#include "server/connection.h"
#include "server/listener.h"
#include "test_client.h"

namespace gw::test_support {

using server::Connection;
using server::ConnectionHandler;
using server::Listener;

inline constexpr auto kWaitTimeout = std::chrono::seconds(TestClient::kIoTimeoutSeconds);
// Stops a loop that would otherwise never end (a connection that does not close).
inline constexpr uint64_t kWatchdogMs = 20'000;

// What the test handler answers: the request echoed as "METHOD target body".
inline std::string Describe(const http::Request& request) {
  return request.method_name + " " + request.target + " " + request.body;
}

inline std::string Get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

// The delay in ms that a target asks for with "?d=N" (0 without one).
inline uint64_t DelayFromTarget(std::string_view target) {
  size_t at = target.find("?d=");
  return at == std::string_view::npos ? 0 : std::stoull(std::string(target.substr(at + 3)));
}

// Answers at once by default; a policy can hold requests (an async worker that has not replied
// yet) or answer them from a timer. Lives on the loop thread except where noted.
class TestHandler : public ConnectionHandler {
 public:
  using Policy = std::function<void(Connection*, http::Request&)>;

  explicit TestHandler(uv_loop_t* loop) : loop_(loop) {}
  ~TestHandler() override { EXPECT_TRUE(delayed_.empty()); }

  void set_policy(Policy policy) { policy_ = std::move(policy); }

  void OnRequest(Connection* conn, http::Request& request) override {
    EXPECT_TRUE(conn->busy());
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(Describe(request));
    }
    seen_changed_.notify_all();
    if (policy_) {
      policy_(conn, request);
    } else {
      Answer(conn);
    }
  }

  void OnAbandoned(Connection* conn) override {
    EXPECT_TRUE(conn->busy());
    ++abandoned_;
    std::erase(held_, conn);
    if (auto it = delayed_.find(conn); it != delayed_.end()) {
      uv_close(reinterpret_cast<uv_handle_t*>(&it->second->timer), &DelayedAnswer::OnClosed);
      delayed_.erase(it);
    }
  }

  static void Answer(Connection* conn) {
    conn->Respond(http::ResponseHead{200, "text/plain", {}, false}, Describe(conn->current()));
  }

  void Hold(Connection* conn) { held_.push_back(conn); }

  // Answers the held request with this target; false if none is held.
  bool AnswerHeld(std::string_view target) {
    for (auto it = held_.begin(); it != held_.end(); ++it) {
      Connection* conn = *it;
      if (conn->current().target != target) continue;
      held_.erase(it);
      Answer(conn);
      return true;
    }
    return false;
  }

  // Answers from a timer, as a worker's reply arrives on a later loop turn.
  void AnswerAfter(Connection* conn, uint64_t delay_ms) {
    auto* delayed = new DelayedAnswer{{}, this, conn};
    uv_timer_init(loop_, &delayed->timer);
    delayed->timer.data = delayed;
    uv_timer_start(&delayed->timer, &DelayedAnswer::OnTimer, delay_ms, 0);
    delayed_[conn] = delayed;
  }

  // Any thread: waits until `count` requests have reached the handler.
  bool WaitForRequests(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    return seen_changed_.wait_for(lock, kWaitTimeout, [&] { return seen_.size() >= count; });
  }

  // Any thread.
  std::vector<std::string> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  int abandoned() const { return abandoned_; }
  size_t held() const { return held_.size(); }

 private:
  struct DelayedAnswer {
    uv_timer_t timer;
    TestHandler* handler;
    Connection* conn;

    static void OnTimer(uv_timer_t* timer) noexcept {
      auto* self = static_cast<DelayedAnswer*>(timer->data);
      self->handler->delayed_.erase(self->conn);
      Answer(self->conn);
      uv_close(reinterpret_cast<uv_handle_t*>(timer), &OnClosed);
    }
    static void OnClosed(uv_handle_t* handle) noexcept {
      delete static_cast<DelayedAnswer*>(handle->data);
    }
  };

  uv_loop_t* loop_;
  Policy policy_;
  std::vector<Connection*> held_;
  std::unordered_map<Connection*, DelayedAnswer*> delayed_;
  std::atomic<int> abandoned_{0};
  mutable std::mutex mu_;
  std::condition_variable seen_changed_;
  std::vector<std::string> seen_;  // guarded by mu_
};

class LoopServerTest : public ::testing::Test {
 protected:
  // A failed test may leave handles open; close them before the listener's memory goes.
  void TearDown() override { loop_.Close(); }

  // Runs the loop on this thread and `client` on another. The listener stops once the client
  // is done; the loop then runs until every connection has closed and freed itself.
  void Serve(const std::function<void(int port)>& client) {
    listener_ = std::make_unique<Listener>(loop_.uv(), limits_, &handler_);
    ASSERT_EQ(listener_->Listen("127.0.0.1", 0), 0);
    int port = listener_->port();
    StartWatchdog();
    std::thread client_thread([&] {
      client(port);
      loop_.Post([this] { listener_->Stop(); });
    });
    loop_.Run();
    client_thread.join();
    uv_close(reinterpret_cast<uv_handle_t*>(&watchdog_), nullptr);

    EXPECT_EQ(listener_->connections().size(), 0u);
    EXPECT_EQ(OpenHandles(), 0);
    EXPECT_EQ(loop_.Close(), 0);
  }

  // From the client thread: runs `fn` on the loop thread and returns its result.
  template <typename Fn>
  auto OnLoop(Fn fn) -> decltype(fn()) {
    return test_support::OnLoop(loop_, std::move(fn), kWaitTimeout);
  }

  size_t ConnectionCount() {
    return OnLoop([this] { return listener_->connections().size(); });
  }

  Loop loop_;
  http::Limits limits_;
  TestHandler handler_{loop_.uv()};
  std::unique_ptr<Listener> listener_;

 private:
  void StartWatchdog() {
    uv_timer_init(loop_.uv(), &watchdog_);
    uv_timer_start(
        &watchdog_,
        [](uv_timer_t* timer) {
          ADD_FAILURE() << "the loop did not finish: a connection stayed open";
          uv_stop(timer->loop);
        },
        kWatchdogMs, 0);
    uv_unref(reinterpret_cast<uv_handle_t*>(&watchdog_));  // it must not keep the loop alive
  }

  // Handles still open, apart from the loop's own posting handle and closing ones.
  int OpenHandles() {
    int open = 0;
    uv_walk(
        loop_.uv(),
        [](uv_handle_t* handle, void* arg) {
          if (handle->type != UV_ASYNC && !uv_is_closing(handle)) ++*static_cast<int*>(arg);
        },
        &open);
    return open;
  }

  uv_timer_t watchdog_;
};

}  // namespace gw::test_support
