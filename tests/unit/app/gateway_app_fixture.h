// The fixture of the app's loop-level tests: the whole GatewayApp in process, listening on
// 127.0.0.1:0 and supervising a real C++ example worker (build/examples/cpp/sleepy_job); the loop
// runs on the test thread and a blocking client (../server/test_client.h) on another. Every test
// ends with the drain (BeginShutdown, as SIGTERM), the loop run out and Loop::Close() == 0.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "../loop/run_until.h"
#include "../server/test_client.h"
#include "app/gateway_app.h"
#include "config/job_config.h"
#include "forward/grpc_worker_client.h"
#include "loop/loop.h"

namespace gw::app {

using test_support::HttpResponse;
using test_support::TestClient;

inline constexpr auto kReadyTimeout = std::chrono::seconds(20);

inline std::string Request(std::string_view method, std::string_view target,
                           std::string_view body = {}) {
  std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n";
  if (!body.empty()) {
    out +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return out + "\r\n" + std::string(body);
}

// One request on a fresh connection; nullopt if the gateway did not answer.
inline std::optional<HttpResponse> Fetch(int port, std::string_view target) {
  TestClient client(port);
  if (!client.connected() || !client.Send(Request("GET", target))) return std::nullopt;
  return client.Read();
}

// Asks `check` again every few milliseconds until it holds or `timeout` passes: the gateway has
// no event a test client could wait on for "the worker is ready" or "the call has started".
inline bool Eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!check()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class GatewayAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/rt-app-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    std::ofstream(dir_ + "/job.yaml") << "name: sleepy\nversion: 0.0.1\n";
  }
  void TearDown() override {
    loop_.Close();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Runs the app on this thread's loop and `client(port)` on another; returns once the loop has
  // run out (the drain is over), and checks that no handle was left open.
  void Run(uint64_t drain_timeout_ms, const std::function<void(int port)>& client) {
    EXPECT_TRUE(Run(MakeConfig(drain_timeout_ms), client)) << start_error_;
  }

  config::Config MakeConfig(uint64_t drain_timeout_ms = 30'000) {
    config::Config config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.worker_command = {std::string(RT_EXAMPLES_DIR) + "/sleepy_job"};
    config.drain_timeout_ms = drain_timeout_ms;
    config.manifest_path = dir_ + "/job.yaml";
    return config;
  }

  // Returns false (start_error_ says why) if the app did not start; it is drained all the same,
  // as main() does.
  bool Run(const config::Config& config, const std::function<void(int port)>& client) {
    bool started;
    {
      GatewayApp app(loop_, config, config::LoadJobConfig(config.manifest_path));
      app_ = &app;
      started = app.Start(&start_error_);
      if (!started) {
        app.BeginShutdown();
        EXPECT_TRUE(test_support::RunOut(loop_, std::chrono::seconds(60)))
            << "the loop did not run out after a failed start";
      } else {
        int port = app.port();
        std::thread client_thread([&] {
          client(port);
          if (!shutdown_begun_) BeginShutdownOnLoop();  // a client that failed early
        });
        EXPECT_TRUE(test_support::RunOut(loop_, std::chrono::seconds(60)))
            << "the loop did not run out after the drain";
        client_thread.join();
      }
      app_ = nullptr;
    }
    EXPECT_EQ(loop_.Close(), 0) << "a handle was left open";
    forward::StopCompletions();  // as the gateway's main() does: every gRPC operation has ended
    return started;
  }

  // From the client thread: BeginShutdown on the loop thread, as SIGTERM would.
  void BeginShutdownOnLoop() {
    shutdown_begun_ = true;
    std::promise<void> done;
    loop_.Post([&] {
      app_->BeginShutdown();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  }

  static bool WaitReady(int port) {
    return Eventually(
        [&] {
          auto r = Fetch(port, "/ready");
          return r && r->status == 200;
        },
        kReadyTimeout);
  }

  // The call has reached JobCalls (the job-call counter moved).
  static bool WaitCallStarted(int port) {
    return Eventually(
        [&] {
          auto r = Fetch(port, "/metrics");
          return r && r->body.find("\nrequests_started_total 1\n") != std::string::npos;
        },
        std::chrono::seconds(5));
  }

  Loop loop_;
  std::string dir_;
  GatewayApp* app_ = nullptr;
  std::string start_error_;
  std::atomic<bool> shutdown_begun_{false};
};

}  // namespace gw::app
