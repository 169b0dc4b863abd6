// Tests of Exchange::Finish, the one place an exchange ends: it counts once (metrics), releases
// its admission slot, and writes its answer once through a real Connection (the loop-level test
// server of ../server/loop_server_test_support.h), or nothing if the client has gone.
#include "calls/exchange.h"

#include <gtest/gtest.h>

#include <string>

#include "../server/loop_server_test_support.h"
#include "app/responder.h"
#include "calls/admission_gate.h"
#include "observability/metrics.h"

namespace gw::calls {
namespace {

using test_support::TestClient;

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

class ExchangeFinishTest : public ::testing::Test {
 protected:
  std::string Text() { return metrics_.Serialize({}, {}); }

  observability::Metrics metrics_{"test"};
  app::Responder responder_{metrics_};
  AdmissionGate gate_{{1, 1}};
  ExchangeServices services_{responder_, metrics_, gate_};
};

TEST_F(ExchangeFinishTest, AJobCallWhoseClientHasGoneCountsOnceAndFreesItsSlot) {
  uint32_t slot = metrics_.Endpoint("/perform");
  metrics_.OnCallStarted(slot);
  Exchange exchange(7, nullptr, ExchangeKind::kJsonCall, slot, uv_hrtime(), 0);
  EXPECT_TRUE(exchange.counts_as_call());
  ASSERT_EQ(gate_.Admit(7, [] {}), AdmissionGate::Result::kStarted);
  bool second_started = false;
  ASSERT_EQ(gate_.Admit(8, [&] { second_started = true; }), AdmissionGate::Result::kQueued);

  Outcome outcome;
  outcome.worker_seconds = 0.25;
  exchange.Finish(std::move(outcome), services_);
  EXPECT_TRUE(exchange.finished());
  EXPECT_TRUE(second_started) << "the slot went to the next in the queue";
  EXPECT_EQ(gate_.running(), 1u);

  exchange.Finish(Outcome::Error(http::Error::kTimeout), services_);  // ignored
  EXPECT_EQ(gate_.running(), 1u) << "a second Finish must not free another slot";
  std::string text = Text();
  EXPECT_TRUE(Contains(text, "\nrequests_done_total 1\n")) << text;
  EXPECT_TRUE(Contains(text, "\nracetrack_gateway_worker_call_seconds_count 1\n")) << text;
  EXPECT_FALSE(Contains(text, "request_internal_errors_total{")) << text;
  gate_.Release(8);
}

TEST_F(ExchangeFinishTest, ErrorsAndRejectionsAreCountedAsSuch) {
  uint32_t slot = metrics_.Endpoint("/perform");
  Exchange failed(1, nullptr, ExchangeKind::kHttpCall, slot, uv_hrtime(), 0);
  failed.Finish(Outcome::Error(http::Error::kWorkerUnavailable), services_);
  Exchange rejected(2, nullptr, ExchangeKind::kJsonCall, slot, uv_hrtime(), 0);
  rejected.Finish(Outcome::Error(http::Error::kTooManyRequests), services_);
  Exchange crashed(3, nullptr, ExchangeKind::kJsonCall, slot, uv_hrtime(), 0);
  Outcome internal;
  internal.status = 500;
  internal.failed = true;
  crashed.Finish(std::move(internal), services_);

  std::string text = Text();
  EXPECT_TRUE(Contains(text, "\nrequests_done_total 3\n")) << text;
  EXPECT_TRUE(Contains(text, "request_internal_errors_total{endpoint=\"/perform\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "\nracetrack_gateway_rejected_requests_total 1\n")) << text;
  EXPECT_TRUE(Contains(text, "\ncommons_internal_server_errors_total 1\n")) << text;
  EXPECT_TRUE(Contains(text, "\nracetrack_gateway_worker_call_seconds_count 0\n")) << text;
}

TEST_F(ExchangeFinishTest, StaticFilesAndTheWebviewAreNotJobCalls) {
  Exchange page(1, nullptr, ExchangeKind::kStatic, 0, uv_hrtime(), 0);
  Exchange app(2, nullptr, ExchangeKind::kWebview, 0, uv_hrtime(), 0);
  EXPECT_FALSE(page.counts_as_call());
  EXPECT_FALSE(app.counts_as_call());
  page.Finish(Outcome::Error(http::Error::kWorkerUnavailable), services_);
  app.Finish(Outcome{}, services_);
  std::string text = Text();
  EXPECT_TRUE(Contains(text, "\nrequests_done_total 0\n")) << text;
}

TEST(OutcomeTest, ErrorOutcomesComeFromTheErrorTable) {
  Outcome busy = Outcome::Error(http::Error::kTooManyRequests, "queue full");
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.body, R"({"detail":"queue full"})");
  EXPECT_TRUE(busy.failed);
  EXPECT_TRUE(busy.rejected);
  ASSERT_EQ(busy.headers.size(), 1u);
  EXPECT_EQ(busy.headers[0].name, "retry-after");

  Outcome lost = Outcome::Error(http::Error::kWorkerUnavailable, "gone");
  EXPECT_EQ(lost.status, 502);
  EXPECT_EQ(lost.body, R"({"error":"gone","type":"WorkerUnavailable"})");
  EXPECT_FALSE(lost.rejected);
  EXPECT_TRUE(lost.headers.empty());

  EXPECT_EQ(Outcome::ClientGone().status, 0);
  EXPECT_FALSE(Outcome::ClientGone().failed);
}

// Through a real connection: the first Finish answers; a second Finish of the same exchange
// writes nothing, so the connection's next request gets its own answer.
class ExchangeConnectionTest : public test_support::LoopServerTest {
 protected:
  observability::Metrics metrics_{"test"};
  app::Responder responder_{metrics_};
  AdmissionGate gate_{{1, 0}};
  ExchangeServices services_{responder_, metrics_, gate_};
  uint64_t next_id_ = 0;
};

TEST_F(ExchangeConnectionTest, FinishAnswersOnceThroughTheConnection) {
  handler_.set_policy([this](server::Connection* conn, http::Request& request) {
    responder_.Started(conn, request);
    uint64_t id = ++next_id_;
    Exchange exchange(id, conn, ExchangeKind::kJsonCall, metrics_.Endpoint("/perform"), uv_hrtime(),
                      0);
    EXPECT_EQ(gate_.Admit(id, [] {}), AdmissionGate::Result::kStarted);
    Outcome first;
    first.body = R"({"answer":)" + std::to_string(id) + "}";
    first.headers.push_back({"x-exchange", std::to_string(id)});
    exchange.Finish(std::move(first), services_);
    EXPECT_EQ(exchange.connection(), nullptr) << "the answer is written: the connection is let go";
    exchange.Finish(Outcome::Error(http::Error::kTimeout), services_);
    EXPECT_EQ(gate_.running(), 0u);
  });
  Serve([](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(test_support::Get("/one")));
    auto first = client.Read();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->status, 200);
    EXPECT_EQ(first->body, R"({"answer":1})");
    EXPECT_EQ(first->Header("x-exchange"), "1");
    EXPECT_EQ(first->Header("content-type"), "application/json");
    ASSERT_TRUE(client.Send(test_support::Get("/two")));
    auto second = client.Read();
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->status, 200);
    EXPECT_EQ(second->body, R"({"answer":2})");
  });
  std::string text = metrics_.Serialize({}, {});
  EXPECT_TRUE(Contains(text, "\nrequests_done_total 2\n")) << text;
  EXPECT_TRUE(Contains(text, "\ncommons_requests_done_total 2\n")) << text;
}

TEST_F(ExchangeConnectionTest, AnErrorOutcomeIsAnsweredWithItsStatusBodyAndHeaders) {
  handler_.set_policy([this](server::Connection* conn, http::Request& request) {
    responder_.Started(conn, request);
    Exchange exchange(++next_id_, conn, ExchangeKind::kJsonCall, metrics_.Endpoint("/perform"),
                      uv_hrtime(), 0);
    exchange.Finish(Outcome::Error(http::Error::kJobNotReady), services_);
  });
  Serve([](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(test_support::Get("/perform")));
    auto response = client.Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 503);
    EXPECT_EQ(response->body, R"({"error":"the job is not ready yet","type":"JobNotReady"})");
    EXPECT_EQ(response->Header("retry-after"), "1");
  });
}

}  // namespace
}  // namespace gw::calls
