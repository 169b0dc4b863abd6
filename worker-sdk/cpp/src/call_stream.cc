// The Calls stream: reads, pool hand-off, merged reply writes.
#include "call_stream.h"

#include <string>
#include <utility>

#include "completion_drain.h"
#include "job_host.h"
#include "racetrack/call_context.h"

namespace racetrack::internal {
namespace v1 = racetrack::worker::v1;
using Clock = std::chrono::steady_clock;

namespace {

// Room left in a message for framing, ids, ack and error fields.
constexpr std::size_t kBatchHeadroomBytes = 4096;
constexpr std::size_t kReplyOverheadBytes = 32;

std::size_t ApproximateSize(const v1::Reply& reply) {
  return kReplyOverheadBytes + reply.result_json().size() +
         (reply.has_error() ? reply.error().type().size() + reply.error().message().size() : 0);
}

}  // namespace

void CallStream::Listen(v1::Worker::AsyncService& service, CompletionDrain& drain, JobHost& host,
                        CallPool& pool, DispatchPolicy& dispatch, std::size_t max_message_bytes,
                        Hooks hooks) {
  auto stream = std::make_shared<CallStream>(drain, host, pool, dispatch, max_message_bytes,
                                             std::move(hooks));
  grpc::ServerCompletionQueue* queue = drain.queue();
  drain.CallObjectCreated();
  std::lock_guard lock(stream->mu_);
  stream->self_ = stream;
  stream->operations_ = 1;  // the request
  stream->context_->AsyncNotifyWhenDone(stream->done_tag_.tag());
  service.RequestCalls(stream->context_.get(), stream->rpc_.get(), queue, queue,
                       stream->accepted_tag_.tag());
}

CallStream::CallStream(CompletionDrain& drain, JobHost& host, CallPool& pool,
                       DispatchPolicy& dispatch, std::size_t max_message_bytes, Hooks hooks)
    : drain_(drain),
      host_(host),
      pool_(pool),
      dispatch_(dispatch),
      max_batch_bytes_(max_message_bytes > 2 * kBatchHeadroomBytes
                           ? max_message_bytes - kBatchHeadroomBytes
                           : max_message_bytes / 2),
      hooks_(std::move(hooks)) {}

void CallStream::OnAccepted(bool ok) {
  std::unique_lock lock(mu_);
  if (!ok) {
    // The server is shutting down; no call came, so gRPC never reports one done.
    --operations_;
    call_over_ = true;
    finished_ = true;
    abandoned_.store(true, std::memory_order_relaxed);
    Proceed(lock);
    return;
  }
  // The request's operation becomes the first read's; headers go out at once, so that the
  // gateway sees the stream established before any reply. The hook runs first, without the
  // lock (it may call Drain(), which is decided once the headers and the read have started).
  lock.unlock();
  if (hooks_.accepted) hooks_.accepted(this);
  lock.lock();
  ++operations_;
  rpc_->SendInitialMetadata(metadata_tag_.tag());
  rpc_->Read(&read_batch_, read_tag_.tag());
  started_ = true;
  Proceed(lock);
}

void CallStream::OnMetadataSent(bool /*ok*/) {
  std::unique_lock lock(mu_);
  --operations_;
  Proceed(lock);
}

void CallStream::OnFinished(bool /*ok*/) {
  std::unique_lock lock(mu_);
  --operations_;
  Proceed(lock);
}

// The call is over: finished by this side, or cancelled (the gateway went away, or the server
// stopped); a cancelled call's pending operations complete with ok == false.
void CallStream::OnCallDone(bool /*ok*/) {
  std::unique_lock lock(mu_);
  call_over_ = true;
  if (context_->IsCancelled()) MarkBrokenLocked();
  Proceed(lock);
}

void CallStream::OnReadDone(bool ok) {
  if (!ok) {
    std::unique_lock lock(mu_);
    --operations_;
    reads_done_ = true;
    Proceed(lock);
    return;
  }
  // With read-ahead the stream may end meanwhile (on another thread); it stays alive until the
  // calls read here are answered.
  const std::shared_ptr<CallStream> keep = shared_from_this();
  const Clock::time_point now = Clock::now();
  // The vectors' memory is kept per thread between reads (taken, so that a read completing
  // meanwhile on this thread, or on another one with read-ahead, never shares it).
  thread_local std::vector<CallTask> spare_tasks;
  thread_local std::vector<CallTask> spare_pooled;
  thread_local std::vector<CallTask> spare_laned;
  std::vector<CallTask> tasks = std::move(spare_tasks);
  std::vector<CallTask> pooled = std::move(spare_pooled);
  std::vector<CallTask> laned = std::move(spare_laned);
  tasks.clear();
  pooled.clear();
  laned.clear();
  tasks.reserve(read_batch_.calls_size());
  for (v1::Call& call : *read_batch_.mutable_calls()) {
    CallTask& task = tasks.emplace_back();
    task.stream = keep;
    task.call = std::move(call);
    task.received = now;
  }
  std::unique_lock lock(mu_);
  read_seq_ = read_batch_.seq();
  // An ack the gateway waits for leaves with the next write (at once when no call runs inline);
  // one it does not wait for rides with the next reply.
  if (!read_batch_.ack_later()) ack_due_ = true;
  for (const CallTask& task : tasks) queued_.emplace(task.call.id(), false);
  in_flight_ += tasks.size();
  for (const std::uint64_t id : read_batch_.cancel_ids()) {
    if (auto it = queued_.find(id); it != queued_.end()) {
      it->second = true;
    } else if (auto run = running_.find(id); run != running_.end()) {
      run->second->store(true, std::memory_order_relaxed);
    }
  }
  const bool keep_reading = !finished_;
  // Adaptive dispatch reads ahead: if a call run inline here unexpectedly blocks, the completion
  // drain's standby picks up the next message meanwhile, so that the call holds up only the
  // calls read with it (inline dispatch keeps one message at a time, in order).
  const bool read_ahead = keep_reading && dispatch_.mode() == Dispatch::kAdaptive;
  // The completed read's operation becomes the next read's; without read-ahead it stays counted
  // until the calls have run, so the stream cannot end under them.
  if (read_ahead) StartNextReadLocked();
  lock.unlock();

  // Call by call: a pool task is handed over before the next inline call starts, so that pool
  // calls overlap the inline ones; each inline call is timed before the next decision.
  if (keep_reading) {
    bool inline_noted = false;
    for (CallTask& task : tasks) {
      task.placement = dispatch_.Place(task.call.endpoint());
      if (task.placement == Placement::kPool) {
        pooled.push_back(std::move(task));
        continue;
      }
      if (task.placement == Placement::kLane) {
        laned.push_back(std::move(task));
        continue;
      }
      pool_.Submit(pooled);
      pool_.SubmitLane(laned);
      if (!inline_noted) {
        drain_.JobCodeRuns();
        inline_noted = true;
      }
      Execute(task, /*flush=*/false);
    }
    pool_.Submit(pooled);
    pool_.SubmitLane(laned);
  }
  tasks.clear();  // releases the stream references of the calls that ran inline
  spare_tasks = std::move(tasks);
  spare_pooled = std::move(pooled);
  spare_laned = std::move(laned);
  // After inline calls the acknowledgement leaves with their replies, in one message.
  lock.lock();
  if (!read_ahead) {
    if (keep_reading && !finished_) {
      StartNextReadLocked();
    } else {
      --operations_;
    }
  }
  Proceed(lock);
}

void CallStream::StartNextReadLocked() {
  read_batch_.Clear();
  rpc_->Read(&read_batch_, read_tag_.tag());
}

void CallStream::Execute(CallTask& task, bool flush) {
  if (abandoned_.load(std::memory_order_relaxed)) return;
  const v1::Call& call = task.call;
  bool cancelled = false;
  auto flag = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard lock(mu_);
    if (auto it = queued_.find(call.id()); it != queued_.end()) {
      cancelled = it->second;
      queued_.erase(it);
    }
    if (!cancelled) running_.emplace(call.id(), flag);
  }
  if (cancelled) {
    Complete(call.id(), ErrorOutcome(499, "Cancelled", "the call was cancelled before it started"),
             flush);
    return;
  }
  if (call.timeout_ms() > 0) {
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - task.received);
    if (waited.count() >= static_cast<std::int64_t>(call.timeout_ms())) {
      Complete(call.id(),
               ErrorOutcome(504, v1::ErrorType_Name(v1::Timeout),
                            "the call waited " + std::to_string(waited.count()) +
                                " ms for a worker thread, past its timeout of " +
                                std::to_string(call.timeout_ms()) + " ms"),
               flush);
      return;
    }
  }
  std::optional<Clock::time_point> deadline;
  if (call.timeout_ms() > 0)
    deadline = task.received + std::chrono::milliseconds(call.timeout_ms());
  const CallContext context(flag, deadline);
  if (dispatch_.mode() != Dispatch::kAdaptive) {
    Complete(call.id(), host_.Invoke(call, context), flush);
    return;
  }
  const Clock::time_point started = Clock::now();
  // With the busy lane on, the job code of calls off the reading thread counts its waits.
  const bool count_waits = dispatch_.busy_lane() && task.placement != Placement::kInline;
  DispatchPolicy::CallMark mark;
  if (dispatch_.busy_lane()) mark = dispatch_.Begin(task.placement);
  CallOutcome outcome = host_.Invoke(call, context, count_waits);
  const bool alone = dispatch_.busy_lane() && dispatch_.End(mark);
  dispatch_.Record(call.endpoint(), outcome.job_time.count() >= 0
                                        ? outcome.job_time
                                        : std::chrono::nanoseconds(Clock::now() - started));
  if (count_waits) {
    dispatch_.RecordWaits(call.endpoint(), task.placement, outcome.job_waits, alone);
  }
  Complete(call.id(), std::move(outcome), flush);
}

void CallStream::Complete(std::uint64_t id, CallOutcome&& outcome, bool flush) {
  if (outcome.ok && outcome.result_json.size() > max_batch_bytes_) {
    // A reply the gateway could not receive would break the whole stream; refuse just this one.
    outcome =
        ErrorOutcome(500, "ResultTooLarge",
                     "the result is " + std::to_string(outcome.result_json.size()) +
                         " bytes, over the worker's message limit of " +
                         std::to_string(max_batch_bytes_) + " bytes (RACETRACK_MAX_MESSAGE_BYTES)");
  }
  std::unique_lock lock(mu_);
  --in_flight_;
  running_.erase(id);
  if (!finished_ && !broken_) {
    v1::Reply* reply = pending_.add_replies();
    reply->set_id(id);
    if (outcome.ok) {
      reply->set_result_json(std::move(outcome.result_json));
    } else {
      v1::JobError* error = reply->mutable_error();
      error->set_http_status(static_cast<std::uint32_t>(outcome.error.http_status));
      error->set_type(std::move(outcome.error.type));
      error->set_message(std::move(outcome.error.message));
    }
    pending_bytes_ += ApproximateSize(*reply);
  }
  if (!flush) return;
  Proceed(lock);
}

void CallStream::Drain() {
  std::unique_lock lock(mu_);
  draining_ = true;
  Proceed(lock);
}

void CallStream::OnWriteDone(bool ok) {
  std::unique_lock lock(mu_);
  --operations_;
  write_outstanding_ = false;
  if (!ok) MarkBrokenLocked();
  Proceed(lock);
}

// Operations start under the lock, so that each completion handler (which takes the lock first)
// is ordered after its operation's start, also for ThreadSanitizer, which cannot see gRPC's own
// synchronisation. The completion queue runs no handler inside a start.
void CallStream::Proceed(std::unique_lock<std::mutex>& lock) {
  StartNextLocked();
  std::shared_ptr<CallStream> self;
  if (call_over_ && operations_ == 0 && self_ != nullptr) self = std::move(self_);
  lock.unlock();
  if (self == nullptr) return;
  // Nothing is outstanding and nothing can start any more (Finish was decided, or the call is
  // gone): the gRPC call goes now, whoever still holds the stream.
  rpc_.reset();
  context_.reset();
  drain_.CallObjectDeleted();  // counted since Listen
  if (hooks_.done) hooks_.done(this);
  // The last reference may be this one; nothing touches members after it goes.
}

void CallStream::MarkBrokenLocked() {
  broken_ = true;
  abandoned_.store(true, std::memory_order_relaxed);
  pending_.Clear();
  pending_bytes_ = 0;
  queued_.clear();
  // Nobody waits for the running calls any more: tell the job.
  for (auto& [id, flag] : running_) flag->store(true, std::memory_order_relaxed);
}

// Starts the next operation the stream is due, if any: a write of everything pending, else the
// Finish once nothing more can be written.
void CallStream::StartNextLocked() {
  if (finished_ || write_outstanding_ || !started_) return;
  if (!broken_ && (pending_.replies_size() > 0 || ack_due_)) {
    TakePendingLocked();
    writing_.set_ack_seq(read_seq_);
    ack_due_ = false;
    write_outstanding_ = true;
    ++operations_;
    rpc_->Write(writing_, write_tag_.tag());
    return;
  }
  const bool answered = in_flight_ == 0;
  grpc::Status status;
  if (broken_) {
    status = grpc::Status(grpc::StatusCode::CANCELLED, "the calls stream was cancelled");
  } else if (reads_done_ && answered) {
    status = grpc::Status::OK;
  } else if (draining_ && answered) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the worker is shutting down");
  } else {
    return;
  }
  finished_ = true;
  abandoned_.store(true, std::memory_order_relaxed);
  ++operations_;
  rpc_->Finish(status, finish_tag_.tag());
}

// Moves what is pending into writing_: everything (the usual case), or as many replies as fit in
// one message; the rest goes with the next write.
void CallStream::TakePendingLocked() {
  if (pending_bytes_ <= max_batch_bytes_) {
    // pending_ takes the sent batch's messages and reuses them once cleared.
    writing_.Swap(&pending_);
    pending_.Clear();
    pending_bytes_ = 0;
    return;
  }
  writing_.Clear();
  std::size_t bytes = 0;
  int taken = 0;
  while (taken < pending_.replies_size()) {
    const std::size_t size = ApproximateSize(pending_.replies(taken));
    if (taken > 0 && bytes + size > max_batch_bytes_) break;
    writing_.add_replies()->Swap(pending_.mutable_replies(taken));
    bytes += size;
    ++taken;
  }
  pending_.mutable_replies()->DeleteSubrange(0, taken);
  pending_bytes_ -= bytes;
}

}  // namespace racetrack::internal
