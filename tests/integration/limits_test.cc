// Request limits end to end: --max-body-bytes (413), --max-header-bytes (431), --max-url-bytes
// (414), --header-timeout-ms (408) and --keep-alive-timeout-ms.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "shared_gateway.h"

namespace rt_it {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPerform = "/api/v1/perform";
const EnvVars kJsonType = {{"Content-Type", "application/json"}};

long ElapsedMs(Clock::time_point since) {
  return static_cast<long>(std::chrono::duration_cast<Millis>(Clock::now() - since).count());
}

// {"number":7907,"pad":"xxx..."} of exactly `size` bytes.
std::string PaddedBody(size_t size) {
  std::string body = R"({"number":7907,"pad":"")";
  body.insert(body.size() - 1, std::string(size - body.size() - 1, 'x'));
  body.push_back('}');
  return body;
}

class LimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = LaunchReady(GatewayProcess::ForJob(
        "prime_job", {},
        {"--max-body-bytes", "1024", "--max-header-bytes", "1024", "--max-url-bytes", "256",
         "--header-timeout-ms", "200", "--keep-alive-timeout-ms", "400"}));
  }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static std::unique_ptr<GatewayProcess> gateway_;
};

std::unique_ptr<GatewayProcess> LimitsTest::gateway_;

TEST_F(LimitsTest, BodyAtTheLimitIsAccepted) {
  std::string body = PaddedBody(1024);
  ASSERT_EQ(body.size(), 1024u);
  HttpResponse r = gateway_->Post(kPerform, body, kJsonType);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "true");
}

TEST_F(LimitsTest, BodyOverTheLimitIs413) {
  std::string body = PaddedBody(2048);
  HttpResponse r = gateway_->Post(kPerform, body, kJsonType);
  ASSERT_EQ(r.status, 413) << r.Describe();
}

TEST_F(LimitsTest, ChunkedBodyOverTheLimitIs413) {
  HttpClient client(gateway_->port());
  ASSERT_TRUE(client.Connect());
  std::string body = PaddedBody(2048);
  std::string request =
      "POST /api/v1/perform HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (size_t at = 0; at < body.size(); at += 512) {
    std::string chunk = body.substr(at, 512);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    request += size + chunk + "\r\n";
  }
  request += "0\r\n\r\n";
  ASSERT_TRUE(client.SendRaw(request));
  HttpResponse r = client.ReadResponse();
  ASSERT_EQ(r.status, 413) << r.Describe();
}

TEST_F(LimitsTest, ChunkedBodyUnderTheLimitWorks) {
  HttpClient client(gateway_->port());
  ASSERT_TRUE(client.Connect());
  ASSERT_TRUE(client.SendRaw(
      "POST /api/v1/perform HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "7\r\n{\"numbe\r\n8\r\nr\":7908}\r\n0\r\n\r\n"));
  HttpResponse r = client.ReadResponse();
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.body, "false");
}

TEST_F(LimitsTest, HeadersOverTheLimitAre431) {
  HttpResponse r =
      Fetch(gateway_->port(), "GET", "/live", std::nullopt, {{"X-Big", std::string(2000, 'h')}});
  ASSERT_EQ(r.status, 431) << r.Describe();
}

TEST_F(LimitsTest, UrlOverTheLimitIs414) {
  HttpResponse r = gateway_->Get("/live?" + std::string(400, 'q'));
  ASSERT_EQ(r.status, 414) << r.Describe();
}

TEST_F(LimitsTest, PartialRequestTimesOutWith408) {
  HttpClient client(gateway_->port(), 5s);
  ASSERT_TRUE(client.Connect());
  const auto sent = Clock::now();
  ASSERT_TRUE(client.SendRaw("GET /live HTTP/1.1\r\nHost: x\r\n"));  // headers never end
  HttpResponse r = client.ReadResponse();
  const long took = ElapsedMs(sent);
  ASSERT_EQ(r.status, 408) << r.Describe();
  EXPECT_GE(took, 150);
  EXPECT_LT(took, 2000);
  EXPECT_TRUE(client.WaitPeerClosed(2s)) << "the connection should close after a 408";
}

TEST_F(LimitsTest, IdleKeepAliveConnectionIsClosed) {
  HttpClient client(gateway_->port(), 5s);
  HttpResponse r = client.Request("GET", "/live");
  ASSERT_EQ(r.status, 200) << r.Describe();
  const auto answered = Clock::now();
  EXPECT_TRUE(client.WaitPeerClosed(3s)) << "the idle connection stayed open";
  EXPECT_GE(ElapsedMs(answered), 300);
}

}  // namespace
}  // namespace rt_it
