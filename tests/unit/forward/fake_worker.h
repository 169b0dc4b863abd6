// An in-process fake worker for loop-level tests of the gRPC WorkerClient: a real grpc::Server
// that implements racetrack.worker.v1.Worker (Describe, Calls, Metrics, Http) and
// grpc.health.v1.Health on a unix socket in a private temporary directory. The test controls
// what it says (loading, ready, failed init), how it answers, and whether it is there at all
// (Stop, then Start again on the same socket, as a restarted worker would).
//
// Calls are answered by endpoint:
//   "/echo"  the payload back as the result
//   "/fail"  a job error: 400 ValueError "bad input"
//   "/hold"  no answer until ReleaseHeld() (then the payload), or the stream ends
// Each message is acknowledged at once, as the worker runtime does, unless it is marked ack_later
// and nothing is answered at once: then the ack leaves with the next replies (ReleaseHeld).
//   "/drop"  the worker ends the whole Calls stream (UNAVAILABLE)
// Http calls by endpoint:
//   "/static" 200, content-type text/plain, the request as the body (see HttpEcho)
//   "/broken" the RPC fails (INTERNAL "kaput")
//   "/hold"   no answer until ReleaseHeld(), the RPC is cancelled or the worker stops
// Everything here is thread-safe: gRPC's threads serve, the test thread controls and inspects.
#pragma once

#include <grpcpp/grpcpp.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace gw::test_support {

namespace wpb = ::racetrack::worker::v1;
namespace hpb = ::grpc::health::v1;

// What the fake's "/static" Http endpoint answers: the request's fields, one per line.
inline std::string HttpEcho(const wpb::HttpRequest& r) {
  std::string out = r.method() + "\n" + r.path() + "\n" + r.query() + "\n" + r.base_url() + "\n" +
                    r.root_path() + "\n" + r.body();
  for (const auto& h : r.headers()) out += "\n" + h.name() + ": " + h.value();
  return out;
}

class FakeWorker {
 public:
  FakeWorker() {
    char dir[] = "/tmp/rt-fake-worker-XXXXXX";
    dir_ = ::mkdtemp(dir);
    socket_path_ = dir_ + "/worker.sock";
  }
  ~FakeWorker() {
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FakeWorker(const FakeWorker&) = delete;
  FakeWorker& operator=(const FakeWorker&) = delete;

  std::string address() const { return "unix:" + socket_path_; }

  // Serves (again). Returns false if the server cannot listen.
  bool Start() {
    std::lock_guard<std::mutex> start_lock(server_mu_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      going_away_ = false;
    }
    ::unlink(socket_path_.c_str());  // a stopped server leaves its socket file behind
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address(), grpc::InsecureServerCredentials());
    builder.RegisterService(&worker_);
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
    return server_ != nullptr;
  }

  // Goes away: every RPC in flight ends (held ones are let go first) and the socket closes.
  void Stop() {
    std::lock_guard<std::mutex> start_lock(server_mu_);
    if (!server_) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      going_away_ = true;
      held_calls_.clear();
    }
    changed_.notify_all();
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
    server_.reset();
  }

  // What the worker says about itself.
  void SetLoading() { Set(hpb::HealthCheckResponse::NOT_SERVING, wpb::WORKER_STATE_LOADING, ""); }
  void SetReady() { Set(hpb::HealthCheckResponse::SERVING, wpb::WORKER_STATE_READY, ""); }
  void SetFailed(const std::string& error) {
    Set(hpb::HealthCheckResponse::NOT_SERVING, wpb::WORKER_STATE_FAILED, error);
  }
  // Health says SERVING while Describe still says LOADING, or the reverse.
  void Set(hpb::HealthCheckResponse::ServingStatus health, wpb::WorkerState state,
           const std::string& init_error) {
    std::lock_guard<std::mutex> lock(mu_);
    health_status_ = health;
    state_ = state;
    init_error_ = init_error;
  }
  // Metrics RPCs wait until ReleaseHeld() (or the worker stops).
  void HoldMetrics(bool hold) {
    std::lock_guard<std::mutex> lock(mu_);
    hold_metrics_ = hold;
  }

  // Answers every held call (cancelled ones too: the gateway must ignore those replies) and
  // lets held Http and Metrics RPCs finish.
  void ReleaseHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    ++release_generation_;
    if (stream_ != nullptr && !held_calls_.empty()) {
      wpb::ReplyBatch batch;
      batch.set_ack_seq(last_seq_);
      for (const wpb::Call& call : held_calls_) {
        wpb::Reply* reply = batch.add_replies();
        reply->set_id(call.id());
        reply->set_result_json(call.payload_json());
      }
      held_calls_.clear();
      std::lock_guard<std::mutex> write_lock(write_mu_);
      lock.unlock();
      stream_->Write(batch);
    }
    changed_.notify_all();
  }

  // Inspection.
  int describes() const {
    return Locked([&] { return describes_; });
  }
  int health_checks() const {
    return Locked([&] { return health_checks_; });
  }
  int streams_opened() const {
    return Locked([&] { return streams_opened_; });
  }
  std::vector<uint64_t> calls_seen() const {
    return Locked([&] { return calls_seen_; });
  }
  std::vector<uint64_t> cancels_seen() const {
    return Locked([&] { return cancels_seen_; });
  }
  std::vector<wpb::Call> last_calls() const {
    return Locked([&] { return received_; });
  }
  size_t held_calls() const {
    return Locked([&] { return held_calls_.size(); });
  }
  int http_held() const {
    return Locked([&] { return http_held_; });
  }
  int metrics_held() const {
    return Locked([&] { return metrics_held_; });
  }
  int batches() const {
    return Locked([&] { return batches_; });
  }
  // The ack_later mark of every message read, in order.
  std::vector<bool> ack_later_seen() const {
    return Locked([&] { return ack_later_seen_; });
  }
  bool saw_call(uint64_t id) const {
    auto seen = calls_seen();
    return std::find(seen.begin(), seen.end(), id) != seen.end();
  }
  bool saw_cancel(uint64_t id) const {
    auto seen = cancels_seen();
    return std::find(seen.begin(), seen.end(), id) != seen.end();
  }

 private:
  template <typename Fn>
  auto Locked(Fn fn) const -> decltype(fn()) {
    std::lock_guard<std::mutex> lock(mu_);
    return fn();
  }

  // Blocks a handler until released, cancelled or the worker goes away; true if released.
  bool WaitReleased(grpc::ServerContext* context, int* held_counter) {
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t generation = release_generation_;
    ++*held_counter;
    // The wait wakes now and then to notice a cancelled RPC: gRPC has no callback for that in
    // the synchronous API.
    while (release_generation_ == generation && !going_away_ && !context->IsCancelled()) {
      changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
    --*held_counter;
    return release_generation_ != generation;
  }

  class WorkerService final : public wpb::Worker::Service {
   public:
    explicit WorkerService(FakeWorker* fake) : fake_(fake) {}

    grpc::Status Describe(grpc::ServerContext*, const wpb::DescribeRequest*,
                          wpb::JobDescription* out) override {
      std::lock_guard<std::mutex> lock(fake_->mu_);
      ++fake_->describes_;
      out->set_state(fake_->state_);
      out->set_init_error(fake_->init_error_);
      out->set_class_name("FakeJob");
      out->set_parameters_json(R"([{"name":"x"}])");
      out->set_max_concurrency(3);
      out->set_sdk("fake/1.0");
      wpb::Endpoint* perform = out->add_endpoints();
      perform->set_path("/perform");
      perform->add_methods("POST");
      perform->set_kind(wpb::ENDPOINT_KIND_PERFORM);
      perform->set_input_example_json(R"({"n":7})");
      wpb::Endpoint* page = out->add_endpoints();
      page->set_path("/static");
      page->add_methods("GET");
      page->set_kind(wpb::ENDPOINT_KIND_STATIC);
      page->set_mimetype("text/plain");
      return grpc::Status::OK;
    }

    grpc::Status Calls(grpc::ServerContext*,
                       grpc::ServerReaderWriter<wpb::ReplyBatch, wpb::CallBatch>* stream) override {
      {
        std::lock_guard<std::mutex> lock(fake_->mu_);
        ++fake_->streams_opened_;
        fake_->stream_ = stream;
      }
      wpb::CallBatch batch;
      grpc::Status ended = grpc::Status::OK;
      while (stream->Read(&batch)) {
        wpb::ReplyBatch replies;
        replies.set_ack_seq(batch.seq());
        bool drop = false;
        {
          std::lock_guard<std::mutex> lock(fake_->mu_);
          ++fake_->batches_;
          fake_->last_seq_ = batch.seq();
          fake_->ack_later_seen_.push_back(batch.ack_later());
          for (uint64_t id : batch.cancel_ids()) fake_->cancels_seen_.push_back(id);
          for (const wpb::Call& call : batch.calls()) {
            fake_->calls_seen_.push_back(call.id());
            fake_->received_.push_back(call);
            if (call.endpoint() == "/hold") {
              fake_->held_calls_.push_back(call);
            } else if (call.endpoint() == "/drop") {
              drop = true;
            } else if (call.endpoint() == "/fail") {
              wpb::Reply* reply = replies.add_replies();
              reply->set_id(call.id());
              reply->mutable_error()->set_http_status(400);
              reply->mutable_error()->set_type("ValueError");
              reply->mutable_error()->set_message("bad input");
            } else {
              wpb::Reply* reply = replies.add_replies();
              reply->set_id(call.id());
              reply->set_result_json(call.payload_json());
            }
          }
        }
        if (drop) {
          ended = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the worker dropped the stream");
          break;
        }
        if (batch.ack_later() && replies.replies_size() == 0) continue;
        std::lock_guard<std::mutex> write_lock(fake_->write_mu_);
        if (!stream->Write(replies)) break;
      }
      {
        std::lock_guard<std::mutex> lock(fake_->mu_);
        fake_->stream_ = nullptr;
        fake_->held_calls_.clear();
      }
      // A writer from ReleaseHeld() may still be using the stream: wait for it.
      std::lock_guard<std::mutex> write_lock(fake_->write_mu_);
      return ended;
    }

    grpc::Status Metrics(grpc::ServerContext* context, const wpb::MetricsRequest*,
                         wpb::MetricsReply* out) override {
      bool hold = fake_->Locked([&] { return fake_->hold_metrics_; });
      if (hold && !fake_->WaitReleased(context, &fake_->metrics_held_)) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
      }
      wpb::JobMetric* m = out->add_metrics();
      m->set_name("queue_depth");
      m->set_value(4);
      m->set_description("Items waiting");
      (*m->mutable_labels())["zone"] = "b";
      (*m->mutable_labels())["app"] = "a";
      wpb::JobMetric* n = out->add_metrics();
      n->set_name("temperature");
      n->set_value(21.5);
      return grpc::Status::OK;
    }

    grpc::Status Http(grpc::ServerContext* context, const wpb::HttpRequest* request,
                      wpb::HttpResponse* out) override {
      if (request->endpoint() == "/broken") {
        return grpc::Status(grpc::StatusCode::INTERNAL, "kaput");
      }
      if (request->endpoint() == "/hold" && !fake_->WaitReleased(context, &fake_->http_held_)) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
      }
      out->set_status(200);
      wpb::Header* type = out->add_headers();
      type->set_name("content-type");
      type->set_value("text/plain");
      wpb::Header* etag = out->add_headers();
      etag->set_name("etag");
      etag->set_value("\"v1\"");
      out->set_body(HttpEcho(*request));
      return grpc::Status::OK;
    }

   private:
    FakeWorker* fake_;
  };

  class HealthService final : public hpb::Health::Service {
   public:
    explicit HealthService(FakeWorker* fake) : fake_(fake) {}
    grpc::Status Check(grpc::ServerContext*, const hpb::HealthCheckRequest*,
                       hpb::HealthCheckResponse* out) override {
      std::lock_guard<std::mutex> lock(fake_->mu_);
      ++fake_->health_checks_;
      out->set_status(fake_->health_status_);
      return grpc::Status::OK;
    }

   private:
    FakeWorker* fake_;
  };

  std::string dir_;
  std::string socket_path_;
  WorkerService worker_{this};
  HealthService health_{this};
  std::mutex server_mu_;  // serialises Start and Stop
  std::unique_ptr<grpc::Server> server_;

  mutable std::mutex mu_;
  std::mutex write_mu_;  // one writer on the Calls stream at a time
  std::condition_variable changed_;
  hpb::HealthCheckResponse::ServingStatus health_status_ = hpb::HealthCheckResponse::NOT_SERVING;
  wpb::WorkerState state_ = wpb::WORKER_STATE_LOADING;
  std::string init_error_;
  bool going_away_ = false;
  bool hold_metrics_ = false;
  uint64_t release_generation_ = 0;
  grpc::ServerReaderWriter<wpb::ReplyBatch, wpb::CallBatch>* stream_ = nullptr;
  std::vector<wpb::Call> held_calls_;
  uint64_t last_seq_ = 0;  // of the latest message read
  std::vector<bool> ack_later_seen_;
  std::vector<wpb::Call> received_;
  std::vector<uint64_t> calls_seen_;
  std::vector<uint64_t> cancels_seen_;
  int describes_ = 0;
  int health_checks_ = 0;
  int streams_opened_ = 0;
  int batches_ = 0;
  int http_held_ = 0;
  int metrics_held_ = 0;
};

}  // namespace gw::test_support
