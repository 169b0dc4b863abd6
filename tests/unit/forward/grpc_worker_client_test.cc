// Loop-level tests of the gRPC WorkerClient's calls against an in-process fake worker: calls
// batched over the Calls stream reach the sink by id, job errors, cancellation, deadlines, calls
// before the worker is ready, HTTP-shaped calls and their errors, and the job's gauges.
// Lifecycle (readiness, loss, reset, shutdown) is in grpc_worker_client_lifecycle_test.cc.
#include <gtest/gtest.h>

#include "worker_client_fixture.h"

namespace gw::forward {
namespace {

using GrpcWorkerClientCallsTest = WorkerClientTest;

TEST_F(GrpcWorkerClientCallsTest, CallsOfOneTurnTravelInOneBatchAndReachTheSinkById) {
  MakeReady();
  Call(11, "/echo", R"({"a":1})");
  Call(12, "/echo", R"({"b":2})");
  Call(13, "/echo", R"({"c":3})", 5'000);
  EXPECT_EQ(client_->in_flight(), 3u);
  ASSERT_TRUE(Until([&] { return HasAll({11, 12, 13}); }));

  EXPECT_EQ(fake_.batches(), 1) << "calls started in one loop turn go out in one message";
  EXPECT_EQ(Result(11).end, CallEnd::kAnswered);
  EXPECT_EQ(Result(11).status, 200);
  EXPECT_EQ(Result(11).body, R"({"a":1})");
  EXPECT_EQ(Result(12).body, R"({"b":2})");
  EXPECT_EQ(Result(13).body, R"({"c":3})");
  EXPECT_GT(Result(11).worker_seconds, 0.0);
  EXPECT_EQ(client_->in_flight(), 0u);

  // What the worker received: endpoint, method, query, headers and the deadline.
  auto received = fake_.last_calls();
  ASSERT_EQ(received.size(), 3u);
  const auto& call = received[2];
  EXPECT_EQ(call.id(), 13u);
  EXPECT_EQ(call.endpoint(), "/echo");
  EXPECT_EQ(call.method(), "POST");
  EXPECT_EQ(call.timeout_ms(), 5'000u);
  ASSERT_EQ(call.headers_size(), 2);
  EXPECT_EQ(call.headers(1).name(), "x-request-id");
  EXPECT_EQ(call.headers(1).value(), "abc");
  EXPECT_EQ(received[0].timeout_ms(), 0u);
}

TEST_F(GrpcWorkerClientCallsTest, TheQueryStringReachesTheWorker) {
  MakeReady();
  http::Request request = PostRequest("/pub/job/fake/1.0/api/v1/perform?x=1&y=2");
  client_->StartCall(1, "/echo", "{}", request, 0);
  ASSERT_TRUE(Until([&] { return Has(1); }));
  ASSERT_EQ(fake_.last_calls().size(), 1u);
  EXPECT_EQ(fake_.last_calls()[0].query(), "x=1&y=2");
}

TEST_F(GrpcWorkerClientCallsTest, JobErrorsKeepTheJobsStatusTypeAndMessage) {
  MakeReady();
  Call(1, "/fail");
  Call(2, "/echo");
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}); }));
  const CallResult& failed = Result(1);
  EXPECT_EQ(failed.end, CallEnd::kJobError);
  EXPECT_EQ(failed.status, 400);
  EXPECT_EQ(failed.error_type, "ValueError");
  EXPECT_EQ(failed.message, "bad input");
  EXPECT_TRUE(failed.body.empty());
  EXPECT_EQ(Result(2).end, CallEnd::kAnswered);
}

// A cancelled call stays the worker's until the worker ends it: its end is still delivered, so
// that what it holds (a concurrency slot) is released only then.
TEST_F(GrpcWorkerClientCallsTest, ACancelledCallReachesTheWorkerAndItsEndIsStillDelivered) {
  MakeReady();
  Call(1, "/hold");
  ASSERT_TRUE(Until([&] { return fake_.held_calls() == 1; }));
  client_->Cancel(1);
  client_->Cancel(1);  // once is enough
  EXPECT_EQ(client_->in_flight(), 1u);
  ASSERT_TRUE(Until([&] { return fake_.saw_cancel(1); }));
  EXPECT_FALSE(Has(1));
  // The worker answers anyway; the answer travels ahead of the next call's on the same stream.
  fake_.ReleaseHeld();
  Call(2, "/echo");
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}); }));
  EXPECT_EQ(results_[1].size(), 1u);
  EXPECT_TRUE(Result(1).worker_done);
  EXPECT_EQ(client_->in_flight(), 0u);
  client_->Cancel(99);  // unknown ids are ignored
}

TEST_F(GrpcWorkerClientCallsTest, ACallPastItsDeadlineEndsWithTimeoutAndIsCancelledAtTheWorker) {
  MakeReady();
  uint64_t started = uv_now(loop_.uv());
  Call(1, "/hold", "{}", 100);
  Call(2, "/echo", "{}", 10'000);
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}); }));
  EXPECT_EQ(Result(2).end, CallEnd::kAnswered);
  EXPECT_EQ(Result(1).end, CallEnd::kTimeout);
  EXPECT_NE(Result(1).message.find("100 ms"), std::string::npos) << Result(1).message;
  EXPECT_GE(uv_now(loop_.uv()) - started, 100u);
  EXPECT_FALSE(Result(1).worker_done) << "the worker still has the call";
  ASSERT_TRUE(Until([&] { return fake_.saw_cancel(1); }));
  // The worker's late answer is the call's end.
  fake_.ReleaseHeld();
  Call(3, "/echo");
  ASSERT_TRUE(Until([&] { return Has(3) && results_[1].size() == 2; }));
  EXPECT_TRUE(results_[1].back().worker_done);
}

TEST_F(GrpcWorkerClientCallsTest, CallsBeforeTheWorkerIsReadyEndNotReadyOnALaterTurn) {
  fake_.SetLoading();
  Make();
  Call(1, "/echo");
  client_->StartHttp(2, Http("/static"), 0);
  EXPECT_FALSE(Has(1)) << "the caller is never re-entered";
  EXPECT_FALSE(Has(2));
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}); }));
  EXPECT_EQ(Result(1).end, CallEnd::kNotReady);
  EXPECT_EQ(Result(2).end, CallEnd::kNotReady);
  EXPECT_TRUE(fake_.calls_seen().empty());
}

TEST_F(GrpcWorkerClientCallsTest, AnHttpCallCarriesTheRequestAndReturnsStatusHeadersAndBody) {
  MakeReady();
  HttpCall call = Http("/static");
  call.method = "POST";
  call.body = "payload";
  test_support::wpb::HttpRequest expected;
  expected.set_method("POST");
  expected.set_path(call.path);
  expected.set_query(call.query);
  expected.set_base_url(call.base_url);
  expected.set_root_path(call.root_path);
  expected.set_body("payload");
  auto* header = expected.add_headers();
  header->set_name("accept");
  header->set_value("text/plain");

  client_->StartHttp(7, std::move(call), 0);
  EXPECT_EQ(client_->in_flight(), 1u);
  ASSERT_TRUE(Until([&] { return Has(7); }));
  const CallResult& result = Result(7);
  EXPECT_EQ(result.end, CallEnd::kAnswered);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, test_support::HttpEcho(expected));
  ASSERT_EQ(result.headers.size(), 2u);
  EXPECT_EQ(result.headers[0].name, "content-type");
  EXPECT_EQ(result.headers[0].value, "text/plain");
  EXPECT_EQ(result.headers[1].name, "etag");
  EXPECT_EQ(client_->in_flight(), 0u);
}

TEST_F(GrpcWorkerClientCallsTest, AFailedHttpRpcEndsWorkerLostAndALateOneTimeout) {
  MakeReady();
  client_->StartHttp(1, Http("/broken"), 0);
  client_->StartHttp(2, Http("/hold"), 100);
  ASSERT_TRUE(Until([&] { return HasAll({1, 2}); }));
  EXPECT_EQ(Result(1).end, CallEnd::kWorkerLost);
  EXPECT_NE(Result(1).message.find("kaput"), std::string::npos) << Result(1).message;
  EXPECT_EQ(Result(2).end, CallEnd::kTimeout);
  // The worker sees the deadline too and lets go of the call.
  EXPECT_TRUE(Until([&] { return fake_.http_held() == 0; }));
  EXPECT_TRUE(client_->ready()) << "a failed Http call does not make the worker lost";
  EXPECT_EQ(lost_count_, 0);
}

TEST_F(GrpcWorkerClientCallsTest, ACancelledHttpCallEndsOnceGrpcHasLetGo) {
  MakeReady();
  client_->StartHttp(1, Http("/hold"), 0);
  ASSERT_TRUE(Until([&] { return fake_.http_held() == 1; }));
  client_->Cancel(1);
  // The RPC's completion comes back to the loop (only the stream holds it then) as its end.
  ASSERT_TRUE(Until([&] { return Has(1) && loop_.holds() == 1; }));
  EXPECT_TRUE(Result(1).worker_done);
  EXPECT_NE(Result(1).end, CallEnd::kAnswered);
  EXPECT_EQ(client_->in_flight(), 0u);
  EXPECT_TRUE(Until([&] { return fake_.http_held() == 0; }));
}

TEST_F(GrpcWorkerClientCallsTest, GaugesOfAReadyWorkerWithSortedLabels) {
  MakeReady();
  bool done = false;
  std::vector<observability::JobGauge> gauges;
  client_->CollectGauges([&](std::vector<observability::JobGauge> g) {
    EXPECT_FALSE(done) << "done runs once";
    done = true;
    gauges = std::move(g);
  });
  ASSERT_TRUE(Until([&] { return done; }));
  ASSERT_EQ(gauges.size(), 2u);
  EXPECT_EQ(gauges[0].name, "queue_depth");
  EXPECT_EQ(gauges[0].value, 4);
  EXPECT_EQ(gauges[0].description, "Items waiting");
  using Labels = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(gauges[0].labels, (Labels{{"app", "a"}, {"zone", "b"}}));
  EXPECT_EQ(gauges[1].name, "temperature");
  EXPECT_EQ(gauges[1].value, 21.5);
  EXPECT_TRUE(gauges[1].labels.empty());
}

TEST_F(GrpcWorkerClientCallsTest, GaugesOfAWorkerNotReadyAreNothingAtOnce) {
  fake_.SetLoading();
  Make();
  bool done = false;
  client_->CollectGauges([&](std::vector<observability::JobGauge> g) {
    done = true;
    EXPECT_TRUE(g.empty());
  });
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace gw::forward
