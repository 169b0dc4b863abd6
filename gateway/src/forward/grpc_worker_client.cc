#include "forward/grpc_worker_client.h"

#include <unordered_map>

#include "forward/call_mux.h"
#include "forward/proto_translate.h"
#include "forward/readiness_watcher.h"
#include "forward/unary_calls.h"
#include "loop/loop.h"
#include "observability/log.h"

namespace gw::forward {
namespace {

using HttpRpc = UnaryRpc<pb::HttpRequest, pb::HttpResponse>;
using MetricsRpc = UnaryRpc<pb::MetricsRequest, pb::MetricsReply>;

class GrpcWorkerClient final : public WorkerClient {
 public:
  GrpcWorkerClient(Loop& loop, WorkerClientOptions options, WorkerEvents* events, CallSink* sink)
      : loop_(loop),
        options_(std::move(options)),
        events_(events),
        sink_(sink),
        rpcs_(loop),
        watcher_(loop, rpcs_, options_.poll_interval_ms,
                 {[this](JobDescription d) { OnReady(std::move(d)); },
                  [this](const std::string& error) { events_->OnWorkerFailed(error); },
                  [this](const std::string& reason) { events_->OnWorkerUnreachable(reason); }}),
        mux_(loop, sink, [this](const std::string& reason) { OnStreamLost(reason); }) {}

  void Start() override {
    link_ = WorkerLink::Connect(options_.address, options_.max_message_bytes);
    watcher_.Watch(link_);
  }

  void Reset(const std::string& reason) override {
    if (state_ == State::kShutdown) return;
    Lose(reason);
    link_ = WorkerLink::Connect(options_.address, options_.max_message_bytes);
    watcher_.Watch(link_);
  }

  void Shutdown(std::function<void()> done) override {
    if (state_ == State::kShutdown) return;
    state_ = State::kShutdown;
    description_ = {};
    watcher_.Stop();
    mux_.FailAll(CallEnd::kShutdown, "the gateway is shutting down");
    rpcs_.CancelAll();
    // Three things to let go of: the watcher's timer, the mux's handles and streams, and the
    // unary RPCs; `done` runs after the last.
    auto remaining = std::make_shared<int>(3);
    auto one_done = [remaining, done = std::move(done)] {
      if (--*remaining == 0) done();
    };
    watcher_.Close(one_done);
    mux_.Close(one_done);
    rpcs_.WhenIdle(one_done);
  }

  bool ready() const override { return state_ == State::kReady; }
  const JobDescription* description() const override { return ready() ? &description_ : nullptr; }
  size_t in_flight() const override { return mux_.in_flight() + http_.size(); }

  void StartCall(uint64_t id, std::string_view endpoint, std::string&& payload_json,
                 const http::Request& request, uint32_t timeout_ms) override {
    if (!ready()) {
      NotReady(id);
      return;
    }
    mux_.Start(id, endpoint, std::move(payload_json), request, timeout_ms);
  }

  void StartHttp(uint64_t id, HttpCall&& call, uint32_t timeout_ms) override {
    if (!ready()) {
      NotReady(id);
      return;
    }
    auto rpc = std::make_shared<HttpRpc>();
    rpc->link = link_;
    HttpCallToProto(call, &rpc->request);
    http_.emplace(id, rpc);
    rpcs_.Run(
        rpc, std::chrono::milliseconds(timeout_ms == 0 ? kDefaultHttpTimeoutMs : timeout_ms),
        [link = link_.get()](auto* context, const auto& request) {
          return link->worker->PrepareAsyncHttp(context, request, link->queue);
        },
        [this, id](HttpRpc& done) {
          auto it = http_.find(id);
          if (it == http_.end() || it->second.get() != &done) return;  // ended by Lose()
          http_.erase(it);
          CallResult result = HttpResultFromProto(done.status, done.response);
          if (state_ == State::kShutdown && result.end != CallEnd::kAnswered) {
            result.end = CallEnd::kShutdown;
          }
          sink_->OnCallDone(id, result);
        });
  }

  void Cancel(uint64_t id) override {
    if (mux_.Cancel(id)) return;
    // A cancelled Http RPC still completes (CANCELLED), and that is its end.
    if (auto it = http_.find(id); it != http_.end()) it->second->context.TryCancel();
  }

  uint64_t last_progress_ms() const override { return mux_.last_progress_ms(); }

  void CollectGauges(GaugesDone done) override {
    if (!ready()) {
      done({});
      return;
    }
    auto rpc = std::make_shared<MetricsRpc>();
    rpc->link = link_;
    rpcs_.Run(
        rpc, std::chrono::milliseconds(kGaugesTimeoutMs),
        [link = link_.get()](auto* context, const auto& request) {
          return link->worker->PrepareAsyncMetrics(context, request, link->queue);
        },
        [done = std::move(done)](MetricsRpc& finished) {
          if (!finished.status.ok()) {
            if (log::Enabled(log::Level::kDebug)) {
              log::Debug("job metrics omitted: Metrics RPC failed: " +
                         finished.status.error_message());
            }
            done({});
            return;
          }
          if (!finished.response.error().empty() && log::Enabled(log::Level::kDebug)) {
            log::Debug("the job's metrics() failed: " + finished.response.error());
          }
          done(GaugesFromProto(finished.response));
        });
  }

 private:
  enum class State { kWatching, kReady, kShutdown };

  void OnReady(JobDescription description) {
    if (state_ == State::kShutdown) return;
    description_ = std::move(description);
    mux_.Open(link_);
    state_ = State::kReady;
    events_->OnWorkerReady(description_);
  }

  void OnStreamLost(const std::string& reason) {
    if (state_ == State::kShutdown) return;
    Lose(reason);
    watcher_.Watch(link_);
  }

  // Ends every call in flight with the worker (kWorkerLost) and leaves the ready state.
  void Lose(const std::string& reason) {
    bool was_ready = state_ == State::kReady;
    state_ = State::kWatching;
    mux_.FailAll(CallEnd::kWorkerLost, reason);
    auto http = std::move(http_);
    http_.clear();
    CallResult result;
    for (auto& [id, rpc] : http) {
      rpc->context.TryCancel();
      result = {};
      result.end = CallEnd::kWorkerLost;
      result.message = reason;
      sink_->OnCallDone(id, result);
    }
    if (was_ready) events_->OnWorkerLost(reason);
  }

  // Delivered on a later turn, as every result is: the caller is never re-entered.
  void NotReady(uint64_t id) {
    loop_.Hold();
    loop_.Post([this, id] {
      loop_.Release();
      CallResult result;
      result.end = CallEnd::kNotReady;
      sink_->OnCallDone(id, result);
    });
  }

  Loop& loop_;
  WorkerClientOptions options_;
  WorkerEvents* events_;
  CallSink* sink_;
  UnaryCalls rpcs_;
  ReadinessWatcher watcher_;
  CallMux mux_;
  std::shared_ptr<WorkerLink> link_;
  State state_ = State::kWatching;
  JobDescription description_;
  std::unordered_map<uint64_t, std::shared_ptr<HttpRpc>> http_;  // Http calls in flight
};

}  // namespace

std::unique_ptr<WorkerClient> MakeGrpcWorkerClient(Loop& loop, WorkerClientOptions options,
                                                   WorkerEvents* events, CallSink* sink) {
  return std::make_unique<GrpcWorkerClient>(loop, std::move(options), events, sink);
}

}  // namespace gw::forward
