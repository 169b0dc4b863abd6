#include "forward/forwarder.h"

#include <grpcpp/grpcpp.h>
#include <uv.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

#include "api/json_text.h"
#include "forward/call_stream.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "loop/loop.h"
#include "observability/log.h"

namespace gw::forward {
namespace {

namespace health = ::grpc::health::v1;

constexpr std::chrono::milliseconds kProbeDeadline{2000};
constexpr uint64_t kFailedPollIntervalMs = 1000;
constexpr uint64_t kDeadlineSweepMs = 50;

// Unary probe calls in flight: owned jointly by the gRPC callback and the posted completion.
template <typename Request, typename Response>
struct UnaryCall {
  grpc::ClientContext context;
  Request request;
  Response response;
  grpc::Status status;
  uint64_t generation = 0;
};
using HealthCall = UnaryCall<health::HealthCheckRequest, health::HealthCheckResponse>;
using DescribeCall = UnaryCall<pb::DescribeRequest, pb::JobDescription>;

EndpointDescription EndpointFromProto(const pb::Endpoint& e) {
  using Kind = EndpointDescription::Kind;
  EndpointDescription out;
  out.path = e.path();
  out.methods.assign(e.methods().begin(), e.methods().end());
  switch (e.kind()) {
    case pb::ENDPOINT_KIND_PERFORM:
      out.kind = Kind::kPerform;
      break;
    case pb::ENDPOINT_KIND_AUXILIARY:
      out.kind = Kind::kAuxiliary;
      break;
    case pb::ENDPOINT_KIND_STATIC:
      out.kind = Kind::kStatic;
      break;
    case pb::ENDPOINT_KIND_WEBVIEW:
      out.kind = Kind::kWebview;
      break;
    default:
      out.kind = Kind::kUnspecified;
      break;
  }
  out.summary = e.summary();
  out.description = e.description();
  if (e.has_input_example_json()) out.input_example_json = e.input_example_json();
  out.mimetype = e.mimetype();
  out.openapi_operation_json = e.openapi_operation_json();
  out.path_template = e.path_template();
  return out;
}

JobDescription FromProto(const pb::JobDescription& d) {
  JobDescription out;
  out.class_name = d.class_name();
  out.parameters_json = d.parameters_json().empty() ? "[]" : d.parameters_json();
  out.max_concurrency = d.max_concurrency();
  out.sdk = d.sdk();
  for (const auto& e : d.endpoints()) {
    if (e.kind() == pb::ENDPOINT_KIND_PERFORM && e.has_input_example_json()) {
      out.perform_example_json = e.input_example_json();
    }
    out.endpoints.push_back(EndpointFromProto(e));
  }
  return out;
}

}  // namespace

struct Forwarder::Impl {
  struct Pending {
    CallSink* sink;
    void* context;
    uint64_t deadline_ms;  // uv_now() based; 0: none
    uint64_t started_ns;   // uv_hrtime() when the call was queued for the stream
  };

  enum class State { kStopped, kPolling, kReady, kShutdown };

  Impl(Loop& l, ForwarderOptions o, WorkerObserver* obs)
      : loop(l), options(std::move(o)), observer(obs) {
    uv_timer_init(loop.uv(), &poll_timer);
    uv_timer_init(loop.uv(), &deadline_timer);
    uv_check_init(loop.uv(), &flush_check);
    poll_timer.data = deadline_timer.data = flush_check.data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(&deadline_timer));
    uv_unref(reinterpret_cast<uv_handle_t*>(&flush_check));
    uv_check_start(&flush_check,
                   [](uv_check_t* h) noexcept { static_cast<Impl*>(h->data)->FlushOutbox(); });
    if (options.call_timeout_ms > 0) {
      uv_timer_start(
          &deadline_timer,
          [](uv_timer_t* t) noexcept { static_cast<Impl*>(t->data)->SweepDeadlines(); },
          kDeadlineSweepMs, kDeadlineSweepMs);
    }
  }

  void Connect() {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options.max_message_bytes);
    args.SetMaxSendMessageSize(options.max_message_bytes);
    // Reconnect quickly: a restarted worker must become ready without waiting out a long backoff.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // A private channel per worker incarnation, never shared with a previous one.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channel = grpc::CreateCustomChannel(options.address, grpc::InsecureChannelCredentials(), args);
    stub = pb::Worker::NewStub(channel);
    health_stub = health::Health::NewStub(channel);
  }

  void StartPolling(uint64_t delay_ms) {
    state = State::kPolling;
    uv_timer_start(
        &poll_timer, [](uv_timer_t* t) noexcept { static_cast<Impl*>(t->data)->Poll(); }, delay_ms,
        0);
  }

  void SchedulePoll() {
    if (state != State::kPolling) return;
    StartPolling(init_failed ? kFailedPollIntervalMs : options.poll_interval_ms);
  }

  // Readiness: the worker must report SERVING on grpc.health.v1 and READY in Describe.
  void Poll() {
    if (state != State::kPolling) return;
    auto call = std::make_shared<HealthCall>();
    call->generation = generation;
    call->context.set_deadline(std::chrono::system_clock::now() + kProbeDeadline);
    BeginRpc();
    health_stub->async()->Check(&call->context, &call->request, &call->response,
                                [this, call](grpc::Status status) {
                                  call->status = std::move(status);
                                  loop.Post([this, call] { OnHealthChecked(*call); });
                                  EndRpc();
                                });
  }

  void OnHealthChecked(const HealthCall& call) {
    if (call.generation != generation || state != State::kPolling) return;
    if (!call.status.ok()) {
      SchedulePoll();
      return;
    }
    serving = call.response.status() == health::HealthCheckResponse::SERVING;
    auto describe = std::make_shared<DescribeCall>();
    describe->generation = generation;
    describe->context.set_deadline(std::chrono::system_clock::now() + kProbeDeadline);
    BeginRpc();
    stub->async()->Describe(&describe->context, &describe->request, &describe->response,
                            [this, describe](grpc::Status status) {
                              describe->status = std::move(status);
                              loop.Post([this, describe] { OnDescribed(*describe); });
                              EndRpc();
                            });
  }

  void OnDescribed(const DescribeCall& call) {
    if (call.generation != generation || state != State::kPolling) return;
    if (!call.status.ok()) {
      SchedulePoll();
      return;
    }
    const pb::JobDescription& d = call.response;
    if (d.state() == pb::WORKER_STATE_FAILED && !init_failed) {
      init_failed = true;
      observer->OnWorkerFailed(d.init_error());
    }
    if (d.state() != pb::WORKER_STATE_READY || !serving) {
      SchedulePoll();
      return;
    }
    description = FromProto(d);
    OpenStream();
    state = State::kReady;
    observer->OnWorkerReady(description);
  }

  void OpenStream() {
    uint64_t gen = generation;
    CallStream::Callbacks callbacks;
    callbacks.on_replies = [this, gen](std::unique_ptr<pb::ReplyBatch> batch) {
      std::shared_ptr<pb::ReplyBatch> shared(std::move(batch));
      loop.Post([this, gen, shared] {
        if (gen == generation) HandleReplies(*shared);
      });
    };
    callbacks.on_done = [this, gen](const grpc::Status& status) {
      std::string reason = status.error_message();
      loop.Post([this, gen, reason] { OnStreamDone(gen, reason); });
    };
    stream = std::make_unique<CallStream>(stub.get(), std::move(callbacks));
  }

  void OnStreamDone(uint64_t gen, const std::string& reason) {
    if (gen != generation) return;
    Lose("the worker connection was lost" + (reason.empty() ? "" : ": " + reason));
  }

  // Fails every call in flight and returns to polling.
  void Lose(const std::string& reason) {
    ++generation;
    DropStream();
    FailAll(502, reason, "WorkerUnavailable");
    bool was_ready = state == State::kReady;
    if (state != State::kShutdown) StartPolling(options.poll_interval_ms);
    if (was_ready) observer->OnWorkerLost(reason);
  }

  void DropStream() {
    if (!stream) return;
    stream->Cancel();
    stream->WaitDone();
    stream.reset();
    outbox.Clear();
  }

  void FailAll(int status, const std::string& message, std::string_view type) {
    auto failed = std::move(pending);
    pending.clear();
    CallOutcome outcome;
    for (auto& [id, p] : failed) {
      outcome.status = status;
      outcome.body = api::ErrorBody(message, type);
      outcome.error_type = type;
      p.sink->OnCallDone(p.context, outcome);
    }
  }

  void HandleReplies(pb::ReplyBatch& batch) {
    CallOutcome outcome;
    for (pb::Reply& reply : *batch.mutable_replies()) {
      auto it = pending.find(reply.id());
      if (it == pending.end()) continue;  // cancelled or timed out meanwhile
      Pending p = it->second;
      pending.erase(it);
      outcome.worker_seconds = static_cast<double>(uv_hrtime() - p.started_ns) * 1e-9;
      if (reply.has_error()) {
        const pb::JobError& e = reply.error();
        outcome.status = static_cast<int>(e.http_status());
        outcome.body = api::ErrorBody(e.message(), e.type());
        outcome.error_type = "JobError";
      } else {
        outcome.status = 200;
        outcome.body = std::move(*reply.mutable_result_json());
        outcome.error_type = {};
      }
      p.sink->OnCallDone(p.context, outcome);
    }
  }

  void FlushOutbox() {
    if (outbox.calls_size() == 0 && outbox.cancel_ids_size() == 0) return;
    if (!stream || !stream->Send(&outbox)) outbox.Clear();  // OnStreamDone fails the calls
  }

  void SweepDeadlines() {
    uint64_t now = uv_now(loop.uv());
    std::vector<uint64_t> expired;
    for (auto& [id, p] : pending) {
      if (p.deadline_ms != 0 && p.deadline_ms <= now) expired.push_back(id);
    }
    CallOutcome outcome;
    for (uint64_t id : expired) {
      Pending p = pending[id];
      pending.erase(id);
      outbox.add_cancel_ids(id);
      outcome.status = 504;
      outcome.body = api::ErrorBody(
          "the job did not answer within " + std::to_string(options.call_timeout_ms) + " ms",
          "Timeout");
      outcome.error_type = "Timeout";
      p.sink->OnCallDone(p.context, outcome);
    }
  }

  void BeginRpc() {
    std::lock_guard<std::mutex> lock(rpc_mu);
    ++rpcs_in_flight;
  }
  void EndRpc() {
    std::lock_guard<std::mutex> lock(rpc_mu);
    if (--rpcs_in_flight == 0) rpc_cv.notify_all();
  }
  void WaitRpcs() {
    std::unique_lock<std::mutex> lock(rpc_mu);
    rpc_cv.wait(lock, [this] { return rpcs_in_flight == 0; });
  }

  Loop& loop;
  ForwarderOptions options;
  WorkerObserver* observer;

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::Worker::Stub> stub;
  std::unique_ptr<health::Health::Stub> health_stub;
  std::unique_ptr<CallStream> stream;

  uv_timer_t poll_timer;
  uv_timer_t deadline_timer;
  uv_check_t flush_check;

  State state = State::kStopped;
  uint64_t generation = 1;  // bumped on every reset: results of older incarnations are ignored
  bool serving = false;
  bool init_failed = false;
  JobDescription description;

  std::unordered_map<uint64_t, Pending> pending;
  pb::CallBatch outbox;  // calls of this loop turn, sent together by the check handle
  uint64_t next_id = 0;

  std::mutex rpc_mu;
  std::condition_variable rpc_cv;
  int rpcs_in_flight = 0;
};

Forwarder::Forwarder(Loop& loop, ForwarderOptions options, WorkerObserver* observer)
    : impl_(std::make_unique<Impl>(loop, std::move(options), observer)) {}

Forwarder::~Forwarder() { Shutdown(); }

void Forwarder::Start() {
  impl_->Connect();
  impl_->StartPolling(0);
}

void Forwarder::Reset(const std::string& reason) {
  if (impl_->state == Impl::State::kShutdown) return;
  impl_->init_failed = false;
  impl_->Lose(reason);
  impl_->Connect();
}

void Forwarder::Shutdown() {
  Impl& d = *impl_;
  if (d.state == Impl::State::kShutdown) return;
  d.state = Impl::State::kShutdown;
  ++d.generation;
  d.DropStream();
  d.FailAll(503, "the gateway is shutting down", "ServiceUnavailable");
  d.WaitRpcs();
  uv_timer_stop(&d.poll_timer);
  uv_timer_stop(&d.deadline_timer);
  uv_check_stop(&d.flush_check);
  for (auto* h : {reinterpret_cast<uv_handle_t*>(&d.poll_timer),
                  reinterpret_cast<uv_handle_t*>(&d.deadline_timer),
                  reinterpret_cast<uv_handle_t*>(&d.flush_check)}) {
    if (!uv_is_closing(h)) uv_close(h, nullptr);
  }
}

bool Forwarder::ready() const { return impl_->state == Impl::State::kReady; }

const JobDescription* Forwarder::description() const {
  return ready() ? &impl_->description : nullptr;
}

size_t Forwarder::in_flight() const { return impl_->pending.size(); }

std::shared_ptr<grpc::Channel> Forwarder::channel() const { return impl_->channel; }

uint64_t Forwarder::StartCall(std::string_view endpoint, std::string&& payload_json,
                              const http::Request& request, CallSink* sink, void* context) {
  Impl& d = *impl_;
  uint64_t id = ++d.next_id;
  pb::Call* call = d.outbox.add_calls();
  call->set_id(id);
  call->set_endpoint(endpoint.data(), endpoint.size());
  call->set_payload_json(std::move(payload_json));
  call->set_method(request.method_name);
  std::string_view query = request.Query();
  if (!query.empty()) call->set_query(query.data(), query.size());
  for (const http::Header& h : request.headers) {
    pb::Header* header = call->add_headers();
    header->set_name(h.name);
    header->set_value(h.value);
  }
  uint64_t deadline = 0;
  if (d.options.call_timeout_ms > 0) {
    call->set_timeout_ms(d.options.call_timeout_ms);
    deadline = uv_now(d.loop.uv()) + d.options.call_timeout_ms;
  }
  d.pending.emplace(id, Impl::Pending{sink, context, deadline, uv_hrtime()});
  return id;
}

void Forwarder::CancelCall(uint64_t id) {
  if (impl_->pending.erase(id) > 0) impl_->outbox.add_cancel_ids(id);
}

}  // namespace gw::forward
