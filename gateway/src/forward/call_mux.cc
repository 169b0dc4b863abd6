#include "forward/call_mux.h"

#include "forward/proto_translate.h"
#include "loop/loop.h"

namespace gw::forward {

CallMux::CallMux(Loop& loop, CallSink* sink, std::function<void(const std::string&)> on_lost)
    : loop_(loop), sink_(sink), on_lost_(std::move(on_lost)) {
  uv_check_init(loop_.uv(), &flush_check_);
  uv_timer_init(loop_.uv(), &deadline_timer_);
  flush_check_.data = deadline_timer_.data = this;
  open_handles_ = 2;
  uv_unref(reinterpret_cast<uv_handle_t*>(&flush_check_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&deadline_timer_));
  uv_check_start(&flush_check_,
                 [](uv_check_t* h) noexcept { static_cast<CallMux*>(h->data)->FlushOutbox(); });
}

CallMux::~CallMux() = default;

void CallMux::Open(const std::shared_ptr<WorkerLink>& link) {
  RetireOpenStream();
  uint64_t id = ++next_stream_;
  CallStream::Callbacks callbacks;
  callbacks.on_replies = [this, id](std::unique_ptr<pb::ReplyBatch> batch) {
    std::shared_ptr<pb::ReplyBatch> shared(std::move(batch));
    loop_.Post([this, id, shared] {
      if (id == open_stream_) HandleReplies(*shared);
    });
  };
  callbacks.on_done = [this, id](const grpc::Status& status) {
    std::string reason = status.error_message();
    loop_.Post([this, id, reason] { OnStreamDone(id, reason); });
  };
  loop_.Hold();  // released when the stream reports done
  streams_.emplace(
      id, std::make_unique<CallStream>(link->worker.get(), link->queue, std::move(callbacks)));
  open_stream_ = id;
  last_progress_ms_ = uv_now(loop_.uv());
}

void CallMux::RetireOpenStream() {
  auto it = streams_.find(open_stream_);
  open_stream_ = 0;
  outbox_.Clear();
  if (it != streams_.end()) it->second->Cancel();  // OnStreamDone lets it go
}

void CallMux::OnStreamDone(uint64_t stream_id, const std::string& reason) {
  bool was_open = stream_id == open_stream_;
  streams_.erase(stream_id);
  loop_.Release();
  if (was_open) {
    std::string message = "the worker connection was lost" + (reason.empty() ? "" : ": " + reason);
    FailAll(CallEnd::kWorkerLost, message);
    on_lost_(message);
  }
  MaybeClosed();
}

void CallMux::FailAll(CallEnd end, const std::string& message) {
  RetireOpenStream();
  auto failed = std::move(pending_);
  pending_.clear();
  CallResult result;
  for (auto& [id, p] : failed) {
    result.end = end;
    result.message = message;
    sink_->OnCallDone(id, result);
  }
}

void CallMux::Start(uint64_t id, std::string_view endpoint, std::string&& payload_json,
                    const http::Request& request, uint32_t timeout_ms) {
  pb::Call* call = outbox_.add_calls();
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
  if (timeout_ms > 0) {
    call->set_timeout_ms(timeout_ms);
    deadline = uv_now(loop_.uv()) + timeout_ms;
    if (!uv_is_active(reinterpret_cast<uv_handle_t*>(&deadline_timer_)) && !closing_) {
      uv_timer_start(
          &deadline_timer_,
          [](uv_timer_t* t) noexcept { static_cast<CallMux*>(t->data)->SweepDeadlines(); },
          kDeadlineSweepMs, kDeadlineSweepMs);
    }
  }
  pending_.emplace(id, Pending{deadline, uv_hrtime(), timeout_ms});
}

bool CallMux::Cancel(uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return false;
  if (!it->second.cancelled) {
    it->second.cancelled = true;
    outbox_.add_cancel_ids(id);
  }
  return true;
}

void CallMux::FlushOutbox() {
  if (outbox_.calls_size() == 0 && outbox_.cancel_ids_size() == 0) return;
  auto it = streams_.find(open_stream_);
  // Without an open stream the calls cannot go: OnStreamDone has failed (or will fail) them.
  if (it == streams_.end() || !it->second->Send(&outbox_)) outbox_.Clear();
}

void CallMux::HandleReplies(pb::ReplyBatch& batch) {
  CallResult result;
  uint64_t now_ns = uv_hrtime();
  if (batch.replies_size() > 0) last_progress_ms_ = uv_now(loop_.uv());
  for (pb::Reply& reply : *batch.mutable_replies()) {
    auto it = pending_.find(reply.id());
    if (it == pending_.end()) continue;  // not ours (a previous stream's)
    result.worker_seconds = static_cast<double>(now_ns - it->second.sent_ns) * 1e-9;
    pending_.erase(it);
    ReplyToResult(reply, &result);
    sink_->OnCallDone(reply.id(), result);
  }
}

// A call past its deadline is answered 504 now and cancelled at the worker, which still has it:
// its end (worker_done) follows when the worker lets go.
void CallMux::SweepDeadlines() {
  uint64_t now = uv_now(loop_.uv());
  std::vector<std::pair<uint64_t, uint32_t>> expired;
  for (auto& [id, p] : pending_) {
    if (!p.cancelled && p.deadline_ms != 0 && p.deadline_ms <= now) {
      p.cancelled = true;
      outbox_.add_cancel_ids(id);
      expired.emplace_back(id, p.timeout_ms);
    }
  }
  CallResult result;
  for (auto [id, timeout_ms] : expired) {
    result.end = CallEnd::kTimeout;
    result.message = "the job did not answer within " + std::to_string(timeout_ms) + " ms";
    result.worker_done = false;
    sink_->OnCallDone(id, result);
  }
  if (pending_.empty()) uv_timer_stop(&deadline_timer_);
}

void CallMux::Close(std::function<void()> done) {
  closing_ = true;
  closed_ = std::move(done);
  RetireOpenStream();
  for (auto* h : {reinterpret_cast<uv_handle_t*>(&flush_check_),
                  reinterpret_cast<uv_handle_t*>(&deadline_timer_)}) {
    uv_close(h, &CallMux::OnHandleClosed);
  }
}

void CallMux::OnHandleClosed(uv_handle_t* handle) noexcept {
  auto* self = static_cast<CallMux*>(handle->data);
  --self->open_handles_;
  self->MaybeClosed();
}

void CallMux::MaybeClosed() {
  if (!closing_ || open_handles_ > 0 || !streams_.empty() || !closed_) return;
  std::exchange(closed_, nullptr)();
}

}  // namespace gw::forward
