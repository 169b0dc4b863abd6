// The worker runtime end to end in one process: a WorkerServer on a unix socket in a temp dir,
// driven by the generated sync client stubs. Waits are on conditions (gates, stream reads,
// WaitLoaded), never on sleeps for synchronisation.
#include "racetrack/internal/worker_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "racetrack/job.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"
#include "worker_test_client.h"

namespace racetrack::internal {
namespace {

namespace v1 = racetrack::worker::v1;
namespace health = grpc::health::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::CallsClient;
using test_support::Gate;
using test_support::GateOpenedOnExit;
using test_support::kWait;
using test_support::MakeCall;

// What a test shares with its job: a gate for {"wait": true} calls and a count of runs.
struct Probe {
  Gate release;
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  int finished = 0;

  void Count(int Probe::*counter) {
    {
      std::lock_guard lock(mu);
      ++(this->*counter);
    }
    cv.notify_all();
  }
  bool WaitCount(int Probe::*counter, int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, kWait, [&] { return this->*counter >= n; });
  }
};

bool IsPrime(long n) {
  if (n < 2) return false;
  for (long d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

class TestJob : public Job {
 public:
  explicit TestJob(std::shared_ptr<Probe> probe) : probe_(std::move(probe)) {}

  Json Perform(const Json& args) override {
    probe_->Count(&Probe::started);
    if (args.value("wait", false)) probe_->release.Wait();
    Json result = args.contains("pad") ? Json(std::string(args.at("pad").get<std::size_t>(), 'x'))
                                       : Json(IsPrime(args.at("number").get<long>()));
    probe_->Count(&Probe::finished);
    return result;
  }
  std::optional<Json> InputExample() const override { return Json{{"number", 7907}}; }
  std::string Docstring() const override { return "Check if a number is prime"; }
  Json Parameters() const override {
    return Json::array({{{"name", "number"}, {"type", "int"}},
                        {{"type", "int"}, {"name", "radix"}, {"default_value", 10}}});
  }

 private:
  std::shared_ptr<Probe> probe_;
};

class WorkerServerTest : public ::testing::Test {
 protected:
  void TearDown() override { server_.reset(); }

  void StartServer(JobFactory factory, std::size_t threads = 2,
                   std::size_t max_message_bytes = kDefaultMaxMessageBytes) {
    WorkerOptions options = options_;
    options.address = "unix:" + dir_.path() + "/worker.sock";
    options.class_name = "TestJob";
    options.threads = threads;
    options.max_message_bytes = max_message_bytes;
    options.dispatch = dispatch_;
    server_ = std::make_unique<WorkerServer>(options, std::move(factory));
    std::string error;
    ASSERT_TRUE(server_->Start(error)) << error;
    // The client accepts no more than the worker may send, so an oversized batch breaks the test.
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(static_cast<int>(max_message_bytes));
    auto channel =
        grpc::CreateCustomChannel(options.address, grpc::InsecureChannelCredentials(), arguments);
    stub_ = v1::Worker::NewStub(channel);
    health_ = health::Health::NewStub(channel);
  }

  void StartReady(std::size_t threads = 2,
                  std::size_t max_message_bytes = kDefaultMaxMessageBytes) {
    StartServer([probe = probe_] { return std::make_unique<TestJob>(probe); }, threads,
                max_message_bytes);
    ASSERT_EQ(server_->WaitLoaded(kWait), LoadState::kReady);
  }

  v1::JobDescription Describe() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kWait);
    v1::JobDescription description;
    const grpc::Status status = stub_->Describe(&context, v1::DescribeRequest(), &description);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return description;
  }

  health::HealthCheckResponse::ServingStatus CheckHealth(const std::string& service = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kWait);
    health::HealthCheckRequest request;
    request.set_service(service);
    health::HealthCheckResponse response;
    const grpc::Status status = health_->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  test_support::TempDir dir_;
  WorkerOptions options_;  // what StartServer starts from (socket mode and group)
  std::shared_ptr<Probe> probe_ = std::make_shared<Probe>();
  std::unique_ptr<WorkerServer> server_;
  Dispatch dispatch_ = Dispatch::kPool;  // how StartServer's worker runs calls
  std::unique_ptr<v1::Worker::Stub> stub_;
  std::unique_ptr<health::Health::Stub> health_;
};

TEST_F(WorkerServerTest, DescribesLoadingThenReady) {
  auto constructed = std::make_shared<Gate>();
  StartServer([constructed, probe = probe_] {
    constructed->Wait();
    return std::make_unique<TestJob>(probe);
  });

  const v1::JobDescription loading = Describe();
  EXPECT_EQ(loading.state(), v1::WORKER_STATE_LOADING);
  EXPECT_EQ(loading.class_name(), "TestJob");
  EXPECT_EQ(loading.sdk(), "cpp/0.1.0");
  EXPECT_EQ(loading.max_concurrency(), 2u);
  EXPECT_EQ(loading.endpoints_size(), 0);
  EXPECT_EQ(CheckHealth(), health::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(CheckHealth("racetrack.worker.v1.Worker"), health::HealthCheckResponse::NOT_SERVING);

  constructed->Open();
  ASSERT_EQ(server_->WaitLoaded(kWait), LoadState::kReady);
  EXPECT_EQ(CheckHealth(), health::HealthCheckResponse::SERVING);
  const v1::JobDescription ready = Describe();
  EXPECT_EQ(ready.state(), v1::WORKER_STATE_READY);
  EXPECT_EQ(ready.init_error(), "");
  EXPECT_EQ(ready.class_name(), "TestJob");
  // Keys keep the original's order (name, default_value, type), not nlohmann's sorted order.
  EXPECT_EQ(ready.parameters_json(),
            R"([{"name":"number","type":"int"},{"name":"radix","default_value":10,"type":"int"}])");
  ASSERT_EQ(ready.endpoints_size(), 1);
  const v1::Endpoint& perform = ready.endpoints(0);
  EXPECT_EQ(perform.path(), "/perform");
  EXPECT_EQ(perform.kind(), v1::ENDPOINT_KIND_PERFORM);
  ASSERT_EQ(perform.methods_size(), 1);
  EXPECT_EQ(perform.methods(0), "POST");
  EXPECT_EQ(perform.summary(), "Call main action");
  EXPECT_EQ(perform.description(), "Check if a number is prime");
  EXPECT_EQ(perform.input_example_json(), R"({"number":7907})");
}

TEST_F(WorkerServerTest, HealthWatchFollowsLoading) {
  auto constructed = std::make_shared<Gate>();
  StartServer([constructed, probe = probe_] {
    constructed->Wait();
    return std::make_unique<TestJob>(probe);
  });
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kWait);
  auto watch = health_->Watch(&context, health::HealthCheckRequest());
  health::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
  constructed->Open();
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  context.TryCancel();
}

// A Watch still open when the worker stops is ended by the shutdown (status OK), which does not
// wait for its deadline; a Watch of an unknown service says so and stays open meanwhile.
TEST_F(WorkerServerTest, ShutdownEndsOpenHealthWatches) {
  StartReady();
  grpc::ClientContext known_context;
  known_context.set_deadline(std::chrono::system_clock::now() + kWait);
  auto known = health_->Watch(&known_context, health::HealthCheckRequest());
  grpc::ClientContext unknown_context;
  unknown_context.set_deadline(std::chrono::system_clock::now() + kWait);
  health::HealthCheckRequest other;
  other.set_service("no.such.Service");
  auto unknown = health_->Watch(&unknown_context, other);
  health::HealthCheckResponse response;
  ASSERT_TRUE(known->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  ASSERT_TRUE(unknown->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVICE_UNKNOWN);

  const auto started = std::chrono::steady_clock::now();
  server_->Shutdown(seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(4));
  EXPECT_FALSE(known->Read(&response));
  EXPECT_TRUE(known->Finish().ok());
  EXPECT_FALSE(unknown->Read(&response));
  EXPECT_TRUE(unknown->Finish().ok());
}

TEST_F(WorkerServerTest, UnknownHealthServiceIsNotFound) {
  StartReady();
  grpc::ClientContext context;
  health::HealthCheckRequest request;
  request.set_service("nope");
  health::HealthCheckResponse response;
  EXPECT_EQ(health_->Check(&context, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(WorkerServerTest, InitFailureIsDescribedAndCallsAreRefused) {
  StartServer([]() -> std::unique_ptr<Job> { throw std::runtime_error("model file is missing"); });
  ASSERT_EQ(server_->WaitLoaded(kWait), LoadState::kFailed);
  const v1::JobDescription failed = Describe();
  EXPECT_EQ(failed.state(), v1::WORKER_STATE_FAILED);
  EXPECT_EQ(failed.init_error(), "model file is missing, cause=runtime_error, traceback=");
  EXPECT_EQ(CheckHealth(), health::HealthCheckResponse::NOT_SERVING);

  CallsClient client(*stub_);
  client.Send({MakeCall(1, R"({"number":7})")});
  ASSERT_TRUE(client.ReadReplies(1));
  const v1::Reply& reply = client.replies().at(1);
  ASSERT_TRUE(reply.has_error());
  EXPECT_EQ(reply.error().http_status(), 503u);
  EXPECT_EQ(reply.error().type(), "JobNotReady");
}

TEST_F(WorkerServerTest, BatchOfThreeRoundTrip) {
  StartReady();
  CallsClient client(*stub_);
  const std::uint64_t seq =
      client.Send({MakeCall(11, R"({"number":7907})"), MakeCall(12, R"({"number":10})"),
                   MakeCall(13, R"({"number":2})")});
  ASSERT_TRUE(client.ReadReplies(3));
  EXPECT_EQ(client.max_ack(), seq);
  ASSERT_EQ(client.replies().size(), 3u);
  EXPECT_EQ(client.replies().at(11).result_json(), "true");
  EXPECT_EQ(client.replies().at(12).result_json(), "false");
  EXPECT_EQ(client.replies().at(13).result_json(), "true");
  EXPECT_TRUE(client.Finish().ok());
}

TEST_F(WorkerServerTest, InlineCallsRunOnTheReaderAndAnswerTogether) {
  dispatch_ = Dispatch::kInline;
  StartReady();
  EXPECT_EQ(Describe().max_concurrency(), 1u);
  CallsClient client(*stub_);
  const std::uint64_t seq =
      client.Send({MakeCall(21, R"({"number":7907})"), MakeCall(22, R"({"number":10})")});
  ASSERT_TRUE(client.ReadReplies(2));
  EXPECT_EQ(client.max_ack(), seq);
  EXPECT_EQ(client.replies().at(21).result_json(), "true");
  EXPECT_EQ(client.replies().at(22).result_json(), "false");
  EXPECT_TRUE(client.Finish().ok());
}

TEST_F(WorkerServerTest, JobErrorsAndUnknownEndpoints) {
  StartReady();
  CallsClient client(*stub_);
  v1::Call unknown = MakeCall(2, "{}");
  unknown.set_endpoint("/nope");
  client.Send({MakeCall(1, R"({"numbr":7})"), std::move(unknown)});
  ASSERT_TRUE(client.ReadReplies(2));
  const v1::JobError& missing = client.replies().at(1).error();
  EXPECT_EQ(missing.http_status(), 400u);
  EXPECT_EQ(missing.type(), "ValueError");
  EXPECT_EQ(missing.message().rfind("failed to call a function: ", 0), 0u);
  EXPECT_EQ(client.replies().at(2).error().http_status(), 404u);
  EXPECT_EQ(client.replies().at(2).error().type(), "EntityNotFound");
}

// TestJob plus an auxiliary endpoint "explain" (normalised to "/explain") and a bare "/raw".
class AuxTestJob : public TestJob {
 public:
  using TestJob::TestJob;
  std::map<std::string, AuxiliaryEndpoint> AuxiliaryEndpoints() override {
    return {{"explain",
             {[this](const Json& args) { return Explain(args); }, Json{{"number", 10}},
              "Lists the divisors"}},
            {"/raw", {[](const Json&) -> Json { throw EntityNotFound("no such thing"); }}}};
  }

 private:
  Json Explain(const Json& args) const {
    const long n = args.at("number").get<long>();
    Json divisors = Json::array();
    for (long d = 2; d < n; ++d) {
      if (n % d == 0) divisors.push_back(d);
    }
    return Json{{"prime", IsPrime(n)}, {"divisors", divisors}};
  }
};

TEST_F(WorkerServerTest, AuxiliaryEndpointsAreDescribedAndCalled) {
  StartServer([probe = probe_] { return std::make_unique<AuxTestJob>(probe); });
  ASSERT_EQ(server_->WaitLoaded(kWait), LoadState::kReady);
  const v1::JobDescription ready = Describe();
  ASSERT_EQ(ready.endpoints_size(), 3);
  EXPECT_EQ(ready.endpoints(0).path(), "/perform");
  const v1::Endpoint& explain = ready.endpoints(1);
  EXPECT_EQ(explain.path(), "/explain");
  EXPECT_EQ(explain.kind(), v1::ENDPOINT_KIND_AUXILIARY);
  ASSERT_EQ(explain.methods_size(), 1);
  EXPECT_EQ(explain.methods(0), "POST");
  EXPECT_EQ(explain.summary(), "Call auxiliary endpoint: /explain");
  EXPECT_EQ(explain.description(), "Call auxiliary endpoint: Lists the divisors");
  ASSERT_TRUE(explain.has_input_example_json());
  EXPECT_EQ(explain.input_example_json(), R"({"number":10})");
  EXPECT_EQ(explain.openapi_operation_json(), "");
  EXPECT_FALSE(explain.path_template());
  const v1::Endpoint& raw = ready.endpoints(2);
  EXPECT_EQ(raw.path(), "/raw");
  EXPECT_EQ(raw.description(), "Call auxiliary endpoint");
  EXPECT_FALSE(raw.has_input_example_json());

  CallsClient client(*stub_);
  v1::Call call = MakeCall(1, R"({"number":12})");
  call.set_endpoint("/explain");
  v1::Call thrown = MakeCall(2, "{}");
  thrown.set_endpoint("/raw");
  v1::Call missing = MakeCall(3, "{}");
  missing.set_endpoint("explain");  // Call.endpoint is the described path
  client.Send(
      {std::move(call), std::move(thrown), std::move(missing), MakeCall(4, R"({"number":7})")});
  ASSERT_TRUE(client.ReadReplies(4));
  EXPECT_EQ(client.replies().at(1).result_json(), R"({"divisors":[2,3,4,6],"prime":false})");
  EXPECT_EQ(client.replies().at(2).error().http_status(), 404u);
  EXPECT_EQ(client.replies().at(2).error().type(), "EntityNotFound");
  EXPECT_EQ(client.replies().at(2).error().message(), "no such thing");
  EXPECT_EQ(client.replies().at(3).error().http_status(), 404u);
  EXPECT_EQ(client.replies().at(3).error().type(), "EntityNotFound");
  EXPECT_EQ(client.replies().at(4).result_json(), "true");
  EXPECT_TRUE(client.Finish().ok());
}

// Sends call 1, which waits on the probe's gate, checks that its read is acknowledged before it
// answers (the call runs on the pool, not on the reading thread), then opens the gate.
void ExpectAckBeforeTheReplyOfABlockedCall(CallsClient& client, Probe& probe) {
  const std::uint64_t seq = client.Send({MakeCall(1, R"({"number":7,"wait":true})")});
  v1::ReplyBatch first;
  ASSERT_TRUE(client.Read(first));
  EXPECT_EQ(first.ack_seq(), seq);
  EXPECT_EQ(first.replies_size(), 0);

  probe.release.Open();
  ASSERT_TRUE(client.ReadReplies(1));
  EXPECT_EQ(client.replies().at(1).result_json(), "true");
}

TEST_F(WorkerServerTest, SlowCallIsAcknowledgedBeforeItsReply) {
  StartReady();
  CallsClient client(*stub_);
  ExpectAckBeforeTheReplyOfABlockedCall(client, *probe_);
}

// Adaptive dispatch: an endpoint's first call runs on the pool (it might block), where a blocked
// call is acknowledged before its reply (inline, the ack would wait for the call).
TEST_F(WorkerServerTest, AdaptiveDispatchRunsAnEndpointsFirstCallOnThePool) {
  dispatch_ = Dispatch::kAdaptive;
  StartReady();
  EXPECT_EQ(Describe().max_concurrency(), 2u);
  CallsClient client(*stub_);
  ASSERT_NO_FATAL_FAILURE(ExpectAckBeforeTheReplyOfABlockedCall(client, *probe_));
  // Quick calls then run inline, and still answer.
  client.Send({MakeCall(2, R"({"number":7907})"), MakeCall(3, R"({"number":10})")});
  ASSERT_TRUE(client.ReadReplies(3));
  EXPECT_EQ(client.replies().at(2).result_json(), "true");
  EXPECT_EQ(client.replies().at(3).result_json(), "false");
  EXPECT_TRUE(client.Finish().ok());
}

// Voluntary context switches of this process's thread named `name` (-1 if there is none).
long VoluntarySwitches(const std::string& name) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string thread;
    std::getline(comm, thread);
    if (thread != name) continue;
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) return std::stol(line.substr(24));
    }
  }
  return -1;
}

// Adaptive dispatch runs a call of a quick endpoint inline, on the completion drain. When such a
// call unexpectedly blocks, the drain's standby takes over: health checks and other streams are
// still answered meanwhile, and the blocked call answers once it returns. While no job code runs
// on the drain (calls on the pool, or none), the standby parks instead of waking every watch
// period, and the next inline call wakes it.
TEST_F(WorkerServerTest, AnInlineCallThatBlocksHoldsUpNothingElse) {
  dispatch_ = Dispatch::kAdaptive;
  StartReady();
  const GateOpenedOnExit open_on_exit{probe_->release};
  CallsClient blocked(*stub_);
  blocked.Send({MakeCall(1, R"({"number":7})")});  // the first call runs on the pool
  ASSERT_TRUE(blocked.ReadReplies(1));

  // Parked: its switch count stops moving (it would otherwise wake every 2 ms).
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  long before = VoluntarySwitches("rt-standby");
  bool parked = false;
  while (!parked && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
    const long now = VoluntarySwitches("rt-standby");
    parked = now == before;
    before = now;
  }
  ASSERT_TRUE(parked);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(VoluntarySwitches("rt-standby"), before);

  blocked.Send({MakeCall(2, R"({"number":7907})")});  // quick: inline from now on
  ASSERT_TRUE(blocked.ReadReplies(2));
  blocked.Send({MakeCall(3, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(probe_->WaitCount(&Probe::started, 3));

  EXPECT_EQ(CheckHealth(), health::HealthCheckResponse::SERVING);
  CallsClient other(*stub_);
  other.Send({MakeCall(10, R"({"number":10})")});
  ASSERT_TRUE(other.ReadReplies(1));
  EXPECT_EQ(other.replies().at(10).result_json(), "false");
  EXPECT_TRUE(other.Finish().ok());
  EXPECT_EQ(blocked.replies().count(3), 0u);

  probe_->release.Open();
  ASSERT_TRUE(blocked.ReadReplies(3));
  EXPECT_EQ(blocked.replies().at(3).result_json(), "true");
  EXPECT_TRUE(blocked.Finish().ok());
}

// Every gRPC operation of the worker completes on its own completion drain (one thread, plus a
// standby that only drains while a completion holds it), not on gRPC's callback threads.
TEST_F(WorkerServerTest, CompletesOnItsOwnDrainThread) {
  StartReady();
  CallsClient client(*stub_);
  client.Send({MakeCall(1, R"({"number":7907})")});
  ASSERT_TRUE(client.ReadReplies(1));
  std::map<std::string, int> threads;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    ++threads[name];
  }
  EXPECT_EQ(threads["rt-completions"], 1);
  EXPECT_EQ(threads["rt-standby"], 1);
  EXPECT_EQ(threads.count("nexting_thread"), 0u);
  EXPECT_TRUE(client.Finish().ok());
}

// A message marked ack_later gets no message of its own for its ack: the ack leaves with the next
// write, here the immediate ack of a message the gateway waits for, then with the replies.
TEST_F(WorkerServerTest, AnAckLaterMessageIsAcknowledgedByTheNextWrite) {
  StartReady();
  CallsClient client(*stub_);
  const std::uint64_t first = client.SendAckLater({MakeCall(1, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(probe_->WaitCount(&Probe::started, 1));  // read, on the pool, no ack sent
  const std::uint64_t second = client.SendWithSeq(first + 1, {});
  v1::ReplyBatch ack;
  ASSERT_TRUE(client.Read(ack));
  EXPECT_EQ(ack.ack_seq(), second);  // the first message read carries the second's ack
  EXPECT_EQ(ack.replies_size(), 0);

  const std::uint64_t third = client.SendWithSeq(
      second + 1, {MakeCall(2, R"({"number":7,"wait":true})")}, {}, /*ack_later=*/true);
  ASSERT_TRUE(probe_->WaitCount(&Probe::started, 2));
  probe_->release.Open();
  v1::ReplyBatch replies;
  ASSERT_TRUE(client.Read(replies));
  EXPECT_EQ(replies.ack_seq(), third);
  EXPECT_GE(replies.replies_size(), 1);
  ASSERT_TRUE(client.ReadReplies(2));
  EXPECT_TRUE(client.Finish().ok());
}

TEST_F(WorkerServerTest, EveryMessageIsAcknowledgedEvenWithSeqZero) {
  StartReady();
  CallsClient client(*stub_);
  client.SendWithSeq(0, {MakeCall(1, R"({"number":7,"wait":true})")});
  v1::ReplyBatch first;
  ASSERT_TRUE(client.Read(first));
  EXPECT_EQ(first.ack_seq(), 0u);
  EXPECT_EQ(first.replies_size(), 0);
  // A message with only an unknown cancel id is acknowledged too.
  client.SendWithSeq(1, {}, {999});
  v1::ReplyBatch second;
  ASSERT_TRUE(client.Read(second));
  EXPECT_EQ(second.ack_seq(), 1u);
  probe_->release.Open();
  ASSERT_TRUE(client.ReadReplies(1));
}

TEST_F(WorkerServerTest, CancelledCallIsNotRun) {
  StartReady(/*threads=*/1);
  CallsClient client(*stub_);
  client.Send({MakeCall(1, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(probe_->WaitCount(&Probe::started, 1));  // the only thread is now busy
  client.Send({MakeCall(2, R"({"number":7})")});
  const std::uint64_t cancel_seq = client.Send({}, {2});
  ASSERT_TRUE(client.ReadAck(cancel_seq));

  probe_->release.Open();
  ASSERT_TRUE(client.ReadReplies(2));
  EXPECT_EQ(client.replies().at(1).result_json(), "true");
  const v1::Reply& cancelled = client.replies().at(2);
  ASSERT_TRUE(cancelled.has_error());
  EXPECT_EQ(cancelled.error().http_status(), 499u);
  EXPECT_EQ(cancelled.error().type(), "Cancelled");
  std::lock_guard lock(probe_->mu);
  EXPECT_EQ(probe_->started, 1);
}

TEST_F(WorkerServerTest, CallThatWaitedPastItsTimeoutIsNotRun) {
  StartReady(/*threads=*/1);
  CallsClient client(*stub_);
  client.Send({MakeCall(1, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(probe_->WaitCount(&Probe::started, 1));
  const std::uint64_t seq = client.Send({MakeCall(2, R"({"number":7})", /*timeout_ms=*/1)});
  ASSERT_TRUE(client.ReadAck(seq));
  // Let the queued call's 1 ms deadline pass (a deadline, not a synchronisation point).
  std::this_thread::sleep_for(milliseconds(20));

  probe_->release.Open();
  ASSERT_TRUE(client.ReadReplies(2));
  const v1::Reply& timed_out = client.replies().at(2);
  ASSERT_TRUE(timed_out.has_error());
  EXPECT_EQ(timed_out.error().http_status(), 504u);
  EXPECT_EQ(timed_out.error().type(), "Timeout");
}

TEST_F(WorkerServerTest, ReplyAfterTheStreamIsGoneIsDropped) {
  StartReady();
  {
    CallsClient gone(*stub_);
    const std::uint64_t seq = gone.Send({MakeCall(1, R"({"number":7,"wait":true})")});
    ASSERT_TRUE(gone.ReadAck(seq));
    // The call must be running when the stream goes (a call not yet started is skipped).
    ASSERT_TRUE(probe_->WaitCount(&Probe::started, 1));
    gone.Cancel();
    gone.Finish();
  }
  probe_->release.Open();
  ASSERT_TRUE(probe_->WaitCount(&Probe::finished, 1));

  CallsClient fresh(*stub_);
  fresh.Send({MakeCall(5, R"({"number":4})")});
  ASSERT_TRUE(fresh.ReadReplies(1));
  EXPECT_EQ(fresh.replies().at(5).result_json(), "false");
}

TEST_F(WorkerServerTest, OversizedResultIsRefusedAlone) {
  StartReady(2, /*max_message_bytes=*/16384);
  CallsClient client(*stub_);
  client.Send({MakeCall(1, R"({"pad":20000})"), MakeCall(2, R"({"number":7})")});
  ASSERT_TRUE(client.ReadReplies(2));
  EXPECT_EQ(client.replies().at(1).error().http_status(), 500u);
  EXPECT_EQ(client.replies().at(1).error().type(), "ResultTooLarge");
  EXPECT_EQ(client.replies().at(2).result_json(), "true");
}

TEST_F(WorkerServerTest, LargeRepliesAreSplitAcrossMessages) {
  StartReady(/*threads=*/1, /*max_message_bytes=*/16384);
  CallsClient client(*stub_);
  client.Send({MakeCall(1, R"({"pad":5000,"wait":true})"), MakeCall(2, R"({"pad":5000})"),
               MakeCall(3, R"({"pad":5000})"), MakeCall(4, R"({"pad":5000})")});
  probe_->release.Open();
  ASSERT_TRUE(client.ReadReplies(4));
  for (std::uint64_t id = 1; id <= 4; ++id) {
    EXPECT_EQ(client.replies().at(id).result_json().size(), 5002u) << id;
  }
  EXPECT_TRUE(client.Finish().ok());
}

TEST_F(WorkerServerTest, ConcurrentStreamsAreIndependent) {
  StartReady();
  CallsClient first(*stub_);
  CallsClient second(*stub_);
  first.Send({MakeCall(1, R"({"number":3})")});
  second.Send({MakeCall(1, R"({"number":4})")});
  ASSERT_TRUE(first.ReadReplies(1));
  ASSERT_TRUE(second.ReadReplies(1));
  EXPECT_EQ(first.replies().at(1).result_json(), "true");
  EXPECT_EQ(second.replies().at(1).result_json(), "false");
}

TEST_F(WorkerServerTest, ShutdownAnswersInFlightCallsThenEndsStreams) {
  StartReady();
  CallsClient client(*stub_);
  const std::uint64_t seq = client.Send({MakeCall(1, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(client.ReadAck(seq));

  const auto started = std::chrono::steady_clock::now();
  auto shutdown = std::async(std::launch::async, [this] { server_->Shutdown(seconds(5)); });
  probe_->release.Open();
  ASSERT_TRUE(client.ReadReplies(1));
  EXPECT_EQ(client.replies().at(1).result_json(), "true");
  v1::ReplyBatch batch;
  while (client.Read(batch)) {
  }
  shutdown.get();
  // The idle stream was ended by the drain, not by the 5 s deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(4));
  EXPECT_EQ(client.Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A call still running when the shutdown's grace ends: its stream is cancelled and let go, and
// the shutdown waits for that before it closes the completion queue (an operation started on a
// closed queue aborts the process), then for the pool.
TEST_F(WorkerServerTest, ShutdownPastItsGraceWithACallStillRunning) {
  StartReady();
  CallsClient client(*stub_);
  const std::uint64_t seq = client.Send({MakeCall(1, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(client.ReadAck(seq));
  auto shutdown = std::async(std::launch::async, [this] { server_->Shutdown(milliseconds(100)); });
  v1::ReplyBatch batch;
  while (client.Read(batch)) {
  }
  EXPECT_EQ(client.replies().count(1), 0u);
  probe_->release.Open();  // the pool's thread can end now
  shutdown.get();
  EXPECT_NE(client.Finish().error_code(), grpc::StatusCode::OK);
}

TEST_F(WorkerServerTest, ServesOnTcpWithAnEphemeralPort) {
  WorkerOptions options;
  options.address = "127.0.0.1:0";
  options.class_name = "TestJob";
  WorkerServer server(options, [probe = probe_] { return std::make_unique<TestJob>(probe); });
  std::string error;
  ASSERT_TRUE(server.Start(error)) << error;
  ASSERT_GT(server.port(), 0);
  ASSERT_EQ(server.WaitLoaded(kWait), LoadState::kReady);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::Worker::NewStub(channel);
  CallsClient client(*stub);
  client.Send({MakeCall(1, R"({"number":13})")});
  ASSERT_TRUE(client.ReadReplies(1));
  EXPECT_EQ(client.replies().at(1).result_json(), "true");
}

mode_t SocketMode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  EXPECT_TRUE(S_ISSOCK(st.st_mode)) << path;
  return st.st_mode & 07777;
}

TEST_F(WorkerServerTest, UnixSocketGetsTheDefaultModeWhateverTheUmask) {
  const mode_t previous = umask(022);  // would give srwxr-xr-x: no other uid could connect
  StartReady();
  umask(previous);
  EXPECT_EQ(SocketMode(dir_.path() + "/worker.sock"), 0660u);
  EXPECT_EQ(Describe().state(), v1::WORKER_STATE_READY);
}

TEST_F(WorkerServerTest, UnixSocketModeAndGroupAreConfigurable) {
  options_.socket_mode = 0600;
  options_.socket_group = std::to_string(getegid());  // a group this process may always give
  StartReady();
  struct stat st {};
  ASSERT_EQ(stat((dir_.path() + "/worker.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_gid, getegid());
}

TEST_F(WorkerServerTest, UnknownSocketGroupIsAnError) {
  WorkerOptions options;
  options.address = "unix:" + dir_.path() + "/worker.sock";
  options.socket_group = "no-such-group-racetrack";
  WorkerServer server(options, [probe = probe_] { return std::make_unique<TestJob>(probe); });
  std::string error;
  EXPECT_FALSE(server.Start(error));
  EXPECT_NE(error.find("no-such-group-racetrack"), std::string::npos) << error;
}

TEST_F(WorkerServerTest, WaitStreamsClosedServesNewCallsUntilTheGatewayLetsGo) {
  StartReady();
  // No stream: nothing to wait for.
  EXPECT_TRUE(server_->WaitStreamsClosed(milliseconds(0)));
  auto client = std::make_unique<CallsClient>(*stub_);
  const std::uint64_t seq = client->Send({MakeCall(1, R"({"number":7,"wait":true})")});
  ASSERT_TRUE(client->ReadAck(seq));
  // A worker asked to stop waits while the stream is open...
  EXPECT_FALSE(server_->WaitStreamsClosed(milliseconds(50)));
  auto closed =
      std::async(std::launch::async, [this] { return server_->WaitStreamsClosed(seconds(10)); });
  probe_->release.Open();
  ASSERT_TRUE(client->ReadReplies(1));
  // ...and still answers new calls on it (a draining gateway may send more).
  client->Send({MakeCall(2, R"({"number":8})")});
  ASSERT_TRUE(client->ReadReplies(2));
  EXPECT_EQ(client->replies().at(2).result_json(), "false");
  EXPECT_EQ(closed.wait_for(milliseconds(0)), std::future_status::timeout);
  // The gateway closes its stream: the wait ends.
  EXPECT_TRUE(client->Finish().ok());
  EXPECT_TRUE(closed.get());
}

}  // namespace
}  // namespace racetrack::internal
