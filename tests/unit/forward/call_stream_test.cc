// The Calls stream on the completion queue, alone: a real gRPC channel to the FakeWorker, the
// stream's callbacks heard on the completion thread.
#include "forward/call_stream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "fake_worker.h"
#include "forward/grpc_worker_client.h"
#include "forward/worker_link.h"

namespace gw::forward {
namespace {

using namespace std::chrono_literals;

class CallStreamTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.Start()); }
  void TearDown() override {
    stream_.reset();
    link_.reset();
    StopCompletions();  // returns only once gRPC holds none of the stream's operations
  }

  void Open() {
    link_ = WorkerLink::Connect(fake_.address(), 4 * 1024 * 1024);
    CallStream::Callbacks callbacks;
    callbacks.on_replies = [this](std::unique_ptr<pb::ReplyBatch> batch) {
      std::lock_guard<std::mutex> lock(mu_);
      for (const pb::Reply& reply : batch->replies()) results_.push_back(reply.result_json());
      changed_.notify_all();
    };
    callbacks.on_done = [this](const grpc::Status&) {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      changed_.notify_all();
    };
    stream_ = std::make_unique<CallStream>(link_->worker.get(), link_->queue, std::move(callbacks));
  }

  bool Send(uint64_t id, const std::string& payload, const std::string& endpoint = "/echo") {
    pb::CallBatch outbox;
    pb::Call* call = outbox.add_calls();
    call->set_id(id);
    call->set_endpoint(endpoint);
    call->set_payload_json(payload);
    return stream_->Send(&outbox);
  }

  template <typename Pred>
  bool WaitFor(Pred pred) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, 10s, pred);
  }

  test_support::FakeWorker fake_;
  std::shared_ptr<WorkerLink> link_;
  std::unique_ptr<CallStream> stream_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> results_;  // guarded by mu_
  bool done_ = false;                 // guarded by mu_
};

// The channel is not connected yet when the stream opens, so its start is still pending: calls
// sent meanwhile wait for it (gRPC allows no write before), then travel as usual.
TEST_F(CallStreamTest, CallsSentBeforeTheStreamHasStartedWaitForIt) {
  fake_.SetReady();
  Open();
  ASSERT_TRUE(Send(1, "1"));
  ASSERT_TRUE(Send(2, "2"));
  ASSERT_TRUE(WaitFor([&] { return results_.size() == 2; }));
  EXPECT_EQ(results_, (std::vector<std::string>{"1", "2"}));
  stream_->Cancel();
  ASSERT_TRUE(WaitFor([&] { return done_; }));
  EXPECT_FALSE(Send(3, "3")) << "a stream that has ended takes no calls";
}

// A stream cancelled before it has started still ends, once, and gRPC lets go of it.
TEST_F(CallStreamTest, CancelBeforeTheStartEndsTheStream) {
  fake_.SetReady();
  Open();
  ASSERT_TRUE(Send(1, "1"));
  stream_->Cancel();
  ASSERT_TRUE(WaitFor([&] { return done_; }));
}

// A message leaves marked ack_later while the window still has room after it: the worker need not
// acknowledge it at once. The message that fills the window asks for the ack now.
TEST_F(CallStreamTest, OnlyTheMessageThatFillsTheWindowAsksForItsAckAtOnce) {
  fake_.SetReady();
  Open();
  ASSERT_TRUE(Send(1, "1", "/hold"));  // window 1 of 2: no ack of its own from the fake
  ASSERT_TRUE(WaitFor([&] { return fake_.batches() == 1; }));
  ASSERT_TRUE(Send(2, "2", "/hold"));  // fills the window: acknowledged at once
  ASSERT_TRUE(WaitFor([&] { return fake_.batches() == 2; }));
  ASSERT_TRUE(Send(3, "3"));  // may leave only after that ack
  ASSERT_TRUE(WaitFor([&] { return results_.size() == 1; }));
  EXPECT_EQ(fake_.ack_later_seen(), (std::vector<bool>{true, false, true}));
  fake_.ReleaseHeld();
  ASSERT_TRUE(WaitFor([&] { return results_.size() == 3; }));
  stream_->Cancel();
  ASSERT_TRUE(WaitFor([&] { return done_; }));
}

}  // namespace
}  // namespace gw::forward
