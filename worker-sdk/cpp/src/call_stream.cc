// The Calls stream reactor: reads, pool hand-off, merged reply writes.
#include "call_stream.h"

#include <string>
#include <utility>

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

std::shared_ptr<CallStream> CallStream::Open(JobHost& host, CallPool& pool,
                                             DispatchPolicy& dispatch,
                                             std::size_t max_message_bytes, DoneCallback on_done) {
  auto stream =
      std::make_shared<CallStream>(host, pool, dispatch, max_message_bytes, std::move(on_done));
  stream->self_ = stream;
  // Headers go out at once so that the gateway sees the stream established before any reply.
  stream->StartSendInitialMetadata();
  stream->StartRead(&stream->read_batch_);
  return stream;
}

CallStream::CallStream(JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
                       std::size_t max_message_bytes, DoneCallback on_done)
    : host_(host),
      pool_(pool),
      dispatch_(dispatch),
      max_batch_bytes_(max_message_bytes > 2 * kBatchHeadroomBytes
                           ? max_message_bytes - kBatchHeadroomBytes
                           : max_message_bytes / 2),
      on_done_(std::move(on_done)) {}

void CallStream::OnReadDone(bool ok) {
  if (!ok) {
    std::unique_lock lock(mu_);
    reads_done_ = true;
    const Next next = DecideLocked();
    lock.unlock();
    Start(next);
    return;
  }
  const Clock::time_point now = Clock::now();
  // The vectors' memory is kept per thread between reads (taken, so that a read completing
  // meanwhile on this thread, or on another one with read-ahead, never shares it).
  thread_local std::vector<CallTask> spare_tasks;
  thread_local std::vector<CallTask> spare_pooled;
  std::vector<CallTask> tasks = std::move(spare_tasks);
  std::vector<CallTask> pooled = std::move(spare_pooled);
  tasks.clear();
  pooled.clear();
  tasks.reserve(read_batch_.calls_size());
  for (v1::Call& call : *read_batch_.mutable_calls()) {
    CallTask& task = tasks.emplace_back();
    task.stream = shared_from_this();
    task.call = std::move(call);
    task.received = now;
  }
  std::unique_lock lock(mu_);
  read_seq_ = read_batch_.seq();
  ack_due_ = true;
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
  lock.unlock();

  // Adaptive dispatch reads ahead: the next message may arrive, on another thread, while this one
  // runs its calls inline, so that a call that unexpectedly blocks holds up only the calls read
  // with it (inline dispatch keeps one message at a time, in order).
  const bool read_ahead = keep_reading && dispatch_.mode() == Dispatch::kAdaptive;
  if (read_ahead) StartNextRead();

  // Call by call: a pool task is handed over before the next inline call starts, so that pool
  // calls overlap the inline ones; each inline call is timed before the next decision.
  if (keep_reading) {
    for (CallTask& task : tasks) {
      if (!dispatch_.RunInline(task.call.endpoint())) {
        pooled.push_back(std::move(task));
        continue;
      }
      pool_.Submit(pooled);
      Execute(task, /*flush=*/false);
    }
    pool_.Submit(pooled);
  }
  tasks.clear();  // releases the stream references of the calls that ran inline
  spare_tasks = std::move(tasks);
  spare_pooled = std::move(pooled);
  // After inline calls the acknowledgement leaves with their replies, in one message.
  lock.lock();
  const Next next = DecideLocked();
  lock.unlock();
  Start(next);
  if (keep_reading && !read_ahead) StartNextRead();
}

void CallStream::StartNextRead() {
  read_batch_.Clear();
  StartRead(&read_batch_);
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
  CallOutcome outcome = host_.Invoke(call, context);
  dispatch_.Record(call.endpoint(), outcome.job_time.count() >= 0
                                        ? outcome.job_time
                                        : std::chrono::nanoseconds(Clock::now() - started));
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
  const Next next = DecideLocked();
  lock.unlock();
  Start(next);
}

void CallStream::Drain() {
  std::unique_lock lock(mu_);
  draining_ = true;
  const Next next = DecideLocked();
  lock.unlock();
  Start(next);
}

void CallStream::OnWriteDone(bool ok) {
  std::unique_lock lock(mu_);
  write_outstanding_ = false;
  if (!ok) MarkBrokenLocked();
  const Next next = DecideLocked();
  lock.unlock();
  Start(next);
}

void CallStream::OnCancel() {
  std::unique_lock lock(mu_);
  MarkBrokenLocked();
  const Next next = DecideLocked();
  lock.unlock();
  Start(next);
}

void CallStream::OnDone() {
  if (on_done_) on_done_(this);
  // The last reference may be this one; nothing touches members after it goes.
  std::shared_ptr<CallStream> self = std::move(self_);
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

CallStream::Next CallStream::DecideLocked() {
  Next next;
  if (finished_ || write_outstanding_) return next;
  if (!broken_ && (pending_.replies_size() > 0 || ack_due_)) {
    TakePendingLocked();
    writing_.set_ack_seq(read_seq_);
    ack_due_ = false;
    write_outstanding_ = true;
    next.write = true;
    return next;
  }
  const bool answered = in_flight_ == 0;
  if (broken_) {
    next.status = grpc::Status(grpc::StatusCode::CANCELLED, "the calls stream was cancelled");
  } else if (reads_done_ && answered) {
    next.status = grpc::Status::OK;
  } else if (draining_ && answered) {
    next.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the worker is shutting down");
  } else {
    return next;
  }
  finished_ = true;
  abandoned_.store(true, std::memory_order_relaxed);
  next.finish = true;
  return next;
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

void CallStream::Start(const Next& next) {
  if (next.write) {
    StartWrite(&writing_);
  } else if (next.finish) {
    Finish(next.status);
  }
}

}  // namespace racetrack::internal
