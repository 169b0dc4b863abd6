// Loop-level tests of Listener: binding port 0, bind errors, and Stop(), which refuses new
// connections while the open ones are still served.
#include "server/listener.h"

#include <gtest/gtest.h>

#include <optional>

#include "loop/loop.h"
#include "loop_server_test_support.h"

namespace gw::server {
namespace {

using test_support::Get;
using test_support::HttpResponse;
using test_support::TestClient;
using test_support::TestHandler;
using ServerListenerTest = test_support::LoopServerTest;

TEST_F(ServerListenerTest, StoppedListenerRefusesNewConnections) {
  Serve([&](int port) {
    TestClient before(port);
    ASSERT_TRUE(before.Send(Get("/first")));
    ASSERT_TRUE(before.Read());  // accepted, not just waiting in the backlog
    OnLoop([this] { listener_->Stop(); });
    TestClient after(port);
    EXPECT_FALSE(after.connected());
    // The open connection is still served.
    ASSERT_TRUE(before.Send(Get("/still")));
    std::optional<HttpResponse> response = before.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "GET /still ");
  });
}

TEST(ServerListenerBindTest, PortZeroBindsAnEphemeralPort) {
  Loop loop;
  http::Limits limits;
  TestHandler handler(loop.uv());
  Listener listener(loop.uv(), limits, &handler);
  ASSERT_EQ(listener.Listen("127.0.0.1", 0), 0);
  EXPECT_GT(listener.port(), 0);
  listener.Stop();
  listener.Stop();  // idempotent
  EXPECT_EQ(loop.Close(), 0);
}

TEST(ServerListenerBindTest, PortInUse) {
  Loop loop;
  http::Limits limits;
  TestHandler handler(loop.uv());
  Listener first(loop.uv(), limits, &handler);
  Listener second(loop.uv(), limits, &handler);
  ASSERT_EQ(first.Listen("127.0.0.1", 0), 0);
  EXPECT_EQ(second.Listen("127.0.0.1", first.port()), UV_EADDRINUSE);
  first.Stop();
  second.Stop();
  EXPECT_EQ(loop.Close(), 0);
}

TEST(ServerListenerBindTest, NotAnAddress) {
  Loop loop;
  http::Limits limits;
  TestHandler handler(loop.uv());
  Listener listener(loop.uv(), limits, &handler);
  EXPECT_NE(listener.Listen("localhost.invalid", 0), 0);
  listener.Stop();
  EXPECT_EQ(loop.Close(), 0);
}

}  // namespace
}  // namespace gw::server
