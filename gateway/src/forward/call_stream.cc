#include "forward/call_stream.h"

namespace gw::forward {

CallStream::CallStream(pb::Worker::Stub* stub, grpc::CompletionQueue* queue, Callbacks callbacks)
    : callbacks_(std::move(callbacks)) {
  std::lock_guard<std::mutex> lock(mu_);
  stream_ = stub->PrepareAsyncCalls(&context_, queue);
  operations_ = 2;
  stream_->StartCall(started_.tag());
  stream_->Read(&reading_, read_.tag());
}

bool CallStream::Send(pb::CallBatch* outbox) {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_ || cancelled_) return false;
  if (pending_.calls_size() == 0 && pending_.cancel_ids_size() == 0) {
    pending_.Swap(outbox);
  } else {
    for (auto& call : *outbox->mutable_calls()) pending_.add_calls()->Swap(&call);
    for (uint64_t id : outbox->cancel_ids()) pending_.add_cancel_ids(id);
  }
  outbox->Clear();
  if (PrepareWriteLocked()) StartWriteLocked();
  return true;
}

bool CallStream::PrepareWriteLocked() {
  if (!started_ok_ || write_in_flight_ || done_ || cancelled_) return false;
  if (pending_.calls_size() == 0 && pending_.cancel_ids_size() == 0) return false;
  if (sent_seq_ - acked_seq_ >= kWindow) return false;
  writing_.Clear();
  writing_.Swap(&pending_);
  writing_.set_seq(++sent_seq_);
  // While the window has room after this message, the gateway does not need its ack at once: the
  // worker may send it with its next reply, which spares a message (and the window update gRPC
  // answers every message with) per call that the worker runs on its pool.
  writing_.set_ack_later(sent_seq_ - acked_seq_ < kWindow);
  write_in_flight_ = true;
  return true;
}

void CallStream::StartWriteLocked() {
  ++operations_;
  stream_->Write(writing_, written_.tag());
}

void CallStream::FinishLocked() {
  if (finishing_) return;
  finishing_ = true;
  cancelled_ = true;
  ++operations_;
  stream_->Finish(&status_, finished_.tag());
}

bool CallStream::OverLocked() {
  if (done_ || !have_status_ || operations_ > 0) return false;
  done_ = true;
  return true;
}

void CallStream::OnStarted(bool ok) {
  // A stream that could not start fails its read too, which ends it.
  bool over;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --operations_;
    started_ok_ = ok;
    if (PrepareWriteLocked()) StartWriteLocked();
    over = OverLocked();
  }
  if (over) ReportDone();
}

void CallStream::OnWriteDone(bool ok) {
  // A failed write means the stream is broken; the failed read ends it.
  bool over;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --operations_;
    write_in_flight_ = false;
    if (ok && PrepareWriteLocked()) StartWriteLocked();
    over = OverLocked();
  }
  if (over) ReportDone();
}

void CallStream::OnReadDone(bool ok) {
  std::unique_ptr<pb::ReplyBatch> batch;
  bool over;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --operations_;
    if (!ok) {
      // The worker ended the stream, the connection broke, or Cancel() was heard.
      FinishLocked();
    } else {
      if (reading_.ack_seq() > acked_seq_) acked_seq_ = reading_.ack_seq();
      if (PrepareWriteLocked()) StartWriteLocked();
      if (reading_.replies_size() > 0) {
        batch = std::make_unique<pb::ReplyBatch>();
        batch->Swap(&reading_);
      }
      reading_.Clear();
      ++operations_;
      stream_->Read(&reading_, read_.tag());
    }
    over = OverLocked();
  }
  if (batch) callbacks_.on_replies(std::move(batch));
  if (over) ReportDone();
}

void CallStream::OnFinished(bool /*ok*/) {
  bool over;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --operations_;
    have_status_ = true;
    over = OverLocked();
  }
  if (over) ReportDone();
}

void CallStream::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_) return;
    cancelled_ = true;
  }
  // The outstanding read fails, and the stream's status follows.
  context_.TryCancel();
}

void CallStream::ReportDone() {
  // The owner may delete this stream as soon as on_done has posted its news, so nothing of
  // `this` is used after the call: the callback runs from a copy.
  std::function<void(const grpc::Status&)> on_done = callbacks_.on_done;
  grpc::Status status = status_;
  on_done(status);
}

}  // namespace gw::forward
