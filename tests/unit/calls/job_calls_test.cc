// Loop-level tests of JobCalls with a recording WorkerClient (job_calls_fixture.h): results reach
// their exchange by id and are answered as the error table says; the admission cap queues and
// refuses (429); the deadline counts from arrival, so a call whose time ran out in the queue gets
// 504 and never reaches the worker; a client that leaves while queued or while running frees its
// place, and a running call is cancelled at the worker.
#include <gtest/gtest.h>

#include "job_calls_fixture.h"

namespace gw::calls {
namespace {

using forward::CallEnd;

TEST_F(JobCallsTest, ACallReachesTheWorkerAndItsAnswerTheClient) {
  Make({});
  Serve([this](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Post(R"({"n":3})")));
    auto started = worker_.WaitStarted(1);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].endpoint, "/perform");
    EXPECT_EQ(started[0].payload, R"({"n":3})");
    EXPECT_EQ(started[0].timeout_ms, 0u);
    Answer(started[0].id, Answered(R"({"prime":true})"));
    auto response = client.Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, R"({"prime":true})");
  });
  std::string text = metrics_.Serialize({}, {});
  EXPECT_NE(text.find("\nrequests_done_total 1\n"), std::string::npos) << text;
}

TEST_F(JobCallsTest, AnEmptyBodyCallsWithTheExample) {
  Make({});
  Serve([this](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Post("")));
    auto started = worker_.WaitStarted(1);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].payload, R"({"example":true})");
    Answer(started[0].id, Answered("{}"));
    ASSERT_TRUE(client.Read().has_value());
  });
}

TEST_F(JobCallsTest, AnInvalidBodyIsAnsweredWithoutAnExchange) {
  Make({});
  Serve([this](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Post("[1,2]")));
    auto response = client.Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_GE(response->status, 400);
    EXPECT_LT(response->status, 500);
    EXPECT_TRUE(worker_.started().empty());
  });
}

TEST_F(JobCallsTest, EveryKindOfEndingIsAnsweredFromTheErrorTable) {
  Make({});
  struct Case {
    forward::CallResult result;
    int status;
    std::string body;
  };
  forward::CallResult job_error = Ended(CallEnd::kJobError, "n must be positive");
  job_error.status = 400;
  job_error.error_type = "ValueError";
  std::vector<Case> cases = {
      {job_error, 400, R"({"error":"n must be positive","type":"ValueError"})"},
      {Ended(CallEnd::kNotReady), 503,
       R"({"error":"the job is not ready yet","type":"JobNotReady"})"},
      {Ended(CallEnd::kWorkerLost, "the worker connection was lost"), 502,
       R"({"error":"the worker connection was lost","type":"WorkerUnavailable"})"},
      {Ended(CallEnd::kTimeout, "too slow"), 504, R"({"error":"too slow","type":"Timeout"})"},
      {Ended(CallEnd::kShutdown, "bye"), 503, R"({"error":"bye","type":"ServiceUnavailable"})"},
  };
  Serve([&](int port) {
    TestClient client(port);
    for (size_t i = 0; i < cases.size(); ++i) {
      ASSERT_TRUE(client.Send(Post("{}")));
      auto started = worker_.WaitStarted(i + 1);
      ASSERT_EQ(started.size(), i + 1);
      Answer(started[i].id, cases[i].result);
      auto response = client.Read();
      ASSERT_TRUE(response.has_value()) << "case " << i;
      EXPECT_EQ(response->status, cases[i].status) << "case " << i;
      EXPECT_EQ(response->body, cases[i].body) << "case " << i;
    }
  });
}

TEST_F(JobCallsTest, ALateOrUnknownResultIsIgnored) {
  Make({});
  Serve([this](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Post("{}")));
    auto started = worker_.WaitStarted(1);
    ASSERT_EQ(started.size(), 1u);
    Answer(started[0].id, Answered(R"({"first":1})"));
    Answer(started[0].id, Answered(R"({"second":2})"));  // the exchange is gone
    Answer(12345, Answered("{}"));
    auto response = client.Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, R"({"first":1})");
    ASSERT_TRUE(client.Send(Post("{}")));
    started = worker_.WaitStarted(2);
    ASSERT_EQ(started.size(), 2u);
    Answer(started[1].id, Answered(R"({"third":3})"));
    response = client.Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, R"({"third":3})");
  });
}

TEST_F(JobCallsTest, TheCapQueuesThenRefusesWith429) {
  Make({}, {1, 1});
  Serve([this](int port) {
    TestClient running(port), queued(port), refused(port);
    ASSERT_TRUE(running.Send(Post(R"({"c":1})")));
    ASSERT_EQ(worker_.WaitStarted(1).size(), 1u);
    ASSERT_TRUE(queued.Send(Post(R"({"c":2})")));
    // The second is queued before the third arrives.
    ASSERT_TRUE(WaitOnLoop([this] { return job_calls_->queued() == 1; }));
    ASSERT_TRUE(refused.Send(Post(R"({"c":3})")));
    auto rejection = refused.Read();
    ASSERT_TRUE(rejection.has_value());
    EXPECT_EQ(rejection->status, 429);
    EXPECT_EQ(rejection->Header("retry-after"), "1");
    EXPECT_NE(rejection->body.find("too many requests"), std::string::npos) << rejection->body;

    auto started = worker_.started();
    ASSERT_EQ(started.size(), 1u) << "only the running call has reached the worker";
    Answer(started[0].id, Answered("{}"));
    ASSERT_TRUE(running.Read().has_value());
    started = worker_.WaitStarted(2);
    ASSERT_EQ(started.size(), 2u) << "the queued call starts once the slot is free";
    EXPECT_EQ(started[1].payload, R"({"c":2})");
    Answer(started[1].id, Answered(R"({"second":true})"));
    auto second = queued.Read();
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->body, R"({"second":true})");
  });
  std::string text = metrics_.Serialize({}, {});
  EXPECT_NE(text.find("\nracetrack_gateway_rejected_requests_total 1\n"), std::string::npos)
      << text;
}

TEST_F(JobCallsTest, AQueuedCallPastItsDeadlineGets504AndNeverReachesTheWorker) {
  JobCallsOptions options;
  options.call_timeout_ms = 200;
  Make(options, {1, 5});
  Serve([this](int port) {
    TestClient running(port), queued(port);
    ASSERT_TRUE(running.Send(Post(R"({"c":1})")));
    auto started = worker_.WaitStarted(1);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_GT(started[0].timeout_ms, 0u);
    EXPECT_LE(started[0].timeout_ms, 200u) << "the deadline counts from arrival";
    ASSERT_TRUE(queued.Send(Post(R"({"c":2})")));
    auto timeout = queued.Read();  // the running call is never answered meanwhile
    ASSERT_TRUE(timeout.has_value());
    EXPECT_EQ(timeout->status, 504);
    EXPECT_NE(timeout->body.find("\"type\":\"Timeout\""), std::string::npos) << timeout->body;
    EXPECT_NE(timeout->body.find("200 ms"), std::string::npos) << timeout->body;
    EXPECT_EQ(worker_.started().size(), 1u);
    EXPECT_EQ(OnLoop([this] { return job_calls_->queued(); }), 0u);

    // The running call is the worker's to end (its deadline went with it).
    Answer(started[0].id, Ended(CallEnd::kTimeout, "the job did not answer within 200 ms"));
    auto first = running.Read();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->status, 504);
  });
  EXPECT_EQ(worker_.started().size(), 1u);
}

TEST_F(JobCallsTest, AClientLeavingWhileQueuedNeverReachesTheWorker) {
  Make({}, {1, 5});
  Serve([this](int port) {
    TestClient running(port);
    ASSERT_TRUE(running.Send(Post(R"({"c":1})")));
    auto started = worker_.WaitStarted(1);
    ASSERT_EQ(started.size(), 1u);
    {
      TestClient leaving(port);
      ASSERT_TRUE(leaving.Send(Post(R"({"c":2})")));
      ASSERT_TRUE(WaitOnLoop([this] { return job_calls_->queued() == 1; }));
      leaving.Reset();  // a close would be a half-close, which still waits for the answer
    }
    ASSERT_TRUE(WaitAbandoned(1));
    EXPECT_EQ(OnLoop([this] { return job_calls_->queued(); }), 0u);
    EXPECT_EQ(OnLoop([this] { return job_calls_->active(); }), 1u);

    Answer(started[0].id, Answered("{}"));
    ASSERT_TRUE(running.Read().has_value());
    // A new call takes the free slot; the abandoned one never started.
    TestClient next(port);
    ASSERT_TRUE(next.Send(Post(R"({"c":3})")));
    started = worker_.WaitStarted(2);
    ASSERT_EQ(started.size(), 2u);
    EXPECT_EQ(started[1].payload, R"({"c":3})");
    Answer(started[1].id, Answered("{}"));
    ASSERT_TRUE(next.Read().has_value());
  });
}

// The slot of an abandoned call is freed when the worker has ended the call, not before: the
// next caller waits meanwhile (no over-admission).
TEST_F(JobCallsTest, AClientLeavingWhileRunningCancelsItsCallAndFreesTheSlotOnceItEnds) {
  Make({}, {1, 5});
  Serve([this](int port) {
    uint64_t first_id;
    {
      TestClient leaving(port);
      ASSERT_TRUE(leaving.Send(Post(R"({"c":1})")));
      auto started = worker_.WaitStarted(1);
      ASSERT_EQ(started.size(), 1u);
      first_id = started[0].id;
      leaving.Reset();
    }
    auto cancelled = worker_.WaitCancelled(1);
    ASSERT_EQ(cancelled.size(), 1u);
    EXPECT_EQ(cancelled[0], first_id);
    EXPECT_EQ(OnLoop([this] { return job_calls_->active(); }), 1u) << "the worker still has it";

    TestClient next(port);
    ASSERT_TRUE(next.Send(Post(R"({"c":2})")));
    ASSERT_TRUE(WaitOnLoop([this] { return job_calls_->queued() == 1; }));
    EXPECT_EQ(worker_.started().size(), 1u) << "the slot is still taken";
    Answer(first_id, Answered("{}"));  // the abandoned call ends: its slot goes to the next
    auto started = worker_.WaitStarted(2);
    ASSERT_EQ(started.size(), 2u) << "the slot was freed";
    Answer(started[1].id, Answered(R"({"ok":2})"));
    auto response = next.Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, R"({"ok":2})");
  });
  std::string text = metrics_.Serialize({}, {});
  EXPECT_NE(text.find("\nrequests_done_total 2\n"), std::string::npos) << text;
}

TEST_F(JobCallsTest, EndAllAnswersEveryOpenExchangeAndCancelsItsCall) {
  Make({}, {1, 5});
  Serve([this](int port) {
    TestClient running(port), queued(port);
    ASSERT_TRUE(running.Send(Post("{}")));
    ASSERT_EQ(worker_.WaitStarted(1).size(), 1u);
    ASSERT_TRUE(queued.Send(Post("{}")));
    ASSERT_TRUE(WaitOnLoop([this] { return job_calls_->queued() == 1; }));
    OnLoop([this] { job_calls_->EndAll(http::Error::kShuttingDown); });
    for (TestClient* client : {&running, &queued}) {
      auto response = client->Read();
      ASSERT_TRUE(response.has_value());
      EXPECT_EQ(response->status, 503);
    }
    auto started = worker_.started();
    ASSERT_EQ(started.size(), 1u) << "the queued call never started";
    EXPECT_EQ(worker_.cancelled(), std::vector<uint64_t>{started[0].id})
        << "only the call the worker has is cancelled there";
    Answer(started[0].id, Answered("{}"));  // the worker lets go of it
  });
}

}  // namespace
}  // namespace gw::calls
