// The busy lane end to end in one process (dispatch_policy.h, call_pool.h): a WorkerServer with
// the lane on, a C++ job that computes (`busy_ms`) or waits on a gate (`wait`), and one Calls
// stream from the gateway's side. The job records the order its calls started in and how many ran
// at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "racetrack/internal/worker_server.h"
#include "racetrack/job.h"
#include "worker_test_client.h"

namespace racetrack::internal {
namespace {

using test_support::CallsClient;
using test_support::Gate;
using test_support::kWait;
using test_support::MakeCall;
namespace v1 = racetrack::worker::v1;

struct Record {
  std::mutex mu;
  std::vector<long> order;  // the `id` argument of each call, as they started
  int running = 0;
  int peak = 0;
  Gate release;
  std::atomic<bool> spin_released{false};

  // Lets calls held on the gate or spinning go.
  void ReleaseHeld() {
    release.Open();
    spin_released = true;
  }

  void Reset() {
    std::lock_guard lock(mu);
    order.clear();
    peak = running;
  }
};

class LaneJob : public Job {
 public:
  explicit LaneJob(std::shared_ptr<Record> record) : record_(std::move(record)) {}

  Json Perform(const Json& args) override {
    {
      std::lock_guard lock(record_->mu);
      record_->order.push_back(args.value("id", 0L));
      record_->peak = std::max(record_->peak, ++record_->running);
    }
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(args.value("busy_ms", 0L));
    while (std::chrono::steady_clock::now() < until) {
    }
    if (args.value("wait", false)) record_->release.Wait();
    if (args.value("spin", false)) {  // computes until released, never waiting
      while (!record_->spin_released.load()) {
      }
    }
    std::lock_guard lock(record_->mu);
    --record_->running;
    return args.value("id", 0L);
  }

 private:
  std::shared_ptr<Record> record_;
};

class BusyLaneTest : public ::testing::Test {
 protected:
  void TearDown() override {
    record_->ReleaseHeld();
    server_.reset();
  }

  void Start(bool busy_lane) {
    WorkerOptions options;
    options.address = "unix:" + dir_.path() + "/worker.sock";
    options.class_name = "LaneJob";
    options.threads = 8;
    options.dispatch = Dispatch::kAdaptive;
    options.busy_lane = busy_lane;
    server_ = std::make_unique<WorkerServer>(
        options, [record = record_] { return std::make_unique<LaneJob>(record); });
    std::string error;
    ASSERT_TRUE(server_->Start(error)) << error;
    ASSERT_EQ(server_->WaitLoaded(kWait), LoadState::kReady);
    stub_ = v1::Worker::NewStub(
        grpc::CreateChannel(options.address, grpc::InsecureChannelCredentials()));
  }

  // Calls `ids` in one message, each computing for `busy_ms`.
  static std::vector<v1::Call> Busy(std::vector<long> ids, long busy_ms) {
    std::vector<v1::Call> calls;
    for (long id : ids) {
      calls.push_back(
          MakeCall(static_cast<std::uint64_t>(id), Json{{"id", id}, {"busy_ms", busy_ms}}.dump()));
    }
    return calls;
  }

  // Calls 101, 102 and 103, one at a time. The endpoint enters the lane after its first call on the
  // pool that did not wait. That is most often the first, but a first call in a loaded sanitizer
  // run may wait once (on a lock of the runtime's), and a batch sent after it would all go to the
  // pool; one of three does not wait.
  static void EnterTheLane(CallsClient& client) {
    for (long id = 101; id <= 103; ++id) {
      client.Send(Busy({id}, 3));
      ASSERT_TRUE(client.ReadReplies(static_cast<std::size_t>(id - 100)));
    }
  }

  // Once the endpoint is in the lane, call 2 holds it (`hold`: "wait" on the gate, or "spin"
  // until released) while 3..7 queue behind it. They must answer while 2 still runs; without the
  // release they would wait for 2, which is let go after 5 s.
  void HoldTheLaneAndExpectTheCallsBehindToAnswer(const char* hold) {
    Start(/*busy_lane=*/true);
    CallsClient client(*stub_);
    EnterTheLane(client);
    std::vector<v1::Call> calls{MakeCall(2, Json{{"id", 2}, {hold, true}}.dump())};
    for (v1::Call& call : Busy({3, 4, 5, 6, 7}, 1)) calls.push_back(std::move(call));
    client.Send(std::move(calls));
    Gate answered;  // the bound
    std::thread releaser([&answered, record = record_] {
      answered.Wait(std::chrono::milliseconds(5000));
      record->ReleaseHeld();
    });
    const bool five = client.ReadReplies(3 + 5);
    const bool two_among_them = client.replies().count(2) > 0;
    answered.Open();
    releaser.join();
    ASSERT_TRUE(five);
    EXPECT_FALSE(two_among_them) << "the calls behind the held one waited for it";
    ASSERT_TRUE(client.ReadReplies(3 + 6));
    std::lock_guard lock(record_->mu);
    EXPECT_GE(record_->peak, 2);  // they ran beside it
  }

  test_support::TempDir dir_;
  std::shared_ptr<Record> record_ = std::make_shared<Record>();
  std::unique_ptr<WorkerServer> server_;
  std::unique_ptr<v1::Worker::Stub> stub_;
};

TEST_F(BusyLaneTest, CallsThatComputeRunOneAtATimeInOrder) {
  Start(/*busy_lane=*/true);
  CallsClient client(*stub_);
  EnterTheLane(client);
  record_->Reset();
  client.Send(Busy({2, 3, 4, 5, 6, 7, 8, 9}, 3));
  ASSERT_TRUE(client.ReadReplies(3 + 8));
  std::lock_guard lock(record_->mu);
  EXPECT_EQ(record_->peak, 1);
  EXPECT_EQ(record_->order, (std::vector<long>{2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(BusyLaneTest, WithoutTheLaneTheyOverlap) {
  Start(/*busy_lane=*/false);
  CallsClient client(*stub_);
  client.Send(Busy({1}, 3));
  ASSERT_TRUE(client.ReadReplies(1));
  record_->Reset();
  client.Send(Busy({2, 3, 4, 5, 6, 7, 8, 9}, 20));
  ASSERT_TRUE(client.ReadReplies(9));
  std::lock_guard lock(record_->mu);
  EXPECT_GT(record_->peak, 1);
}

TEST_F(BusyLaneTest, ALaneCallThatWaitsReleasesTheCallsQueuedBehindIt) {
  // Call 2 waits on the gate: a pool thread finds it asleep (after twice the endpoint's typical
  // 3 ms) and sends the calls behind it to the pool.
  HoldTheLaneAndExpectTheCallsBehindToAnswer("wait");
}

TEST_F(BusyLaneTest, ALaneCallThatNeverEndsReleasesTheCallsQueuedBehindItAtItsPatience) {
  // Call 2 computes until released (a stuck loop: it never waits): at its patience (8 typical
  // durations, at least 50 ms) the calls behind it go to the pool.
  HoldTheLaneAndExpectTheCallsBehindToAnswer("spin");
}

}  // namespace
}  // namespace racetrack::internal
