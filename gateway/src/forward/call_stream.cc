#include "forward/call_stream.h"

namespace gw::forward {

CallStream::CallStream(pb::Worker::Stub* stub, Callbacks callbacks)
    : callbacks_(std::move(callbacks)) {
  stub->async()->Calls(&context_, this);
  // The hold keeps the stream open while the loop may still start writes from outside a
  // reaction; it is removed when the stream is cancelled or fails.
  AddHold();
  StartRead(&reading_);
  StartCall();
}

bool CallStream::Send(pb::CallBatch* outbox) {
  bool start;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_ || cancelled_) return false;
    if (pending_.calls_size() == 0 && pending_.cancel_ids_size() == 0) {
      pending_.Swap(outbox);
    } else {
      for (auto& call : *outbox->mutable_calls()) pending_.add_calls()->Swap(&call);
      for (uint64_t id : outbox->cancel_ids()) pending_.add_cancel_ids(id);
    }
    start = PrepareWriteLocked();
  }
  outbox->Clear();
  if (start) StartWrite(&writing_);
  return true;
}

bool CallStream::PrepareWriteLocked() {
  if (write_in_flight_ || done_ || cancelled_) return false;
  if (pending_.calls_size() == 0 && pending_.cancel_ids_size() == 0) return false;
  if (sent_seq_ - acked_seq_ >= kWindow) return false;
  writing_.Clear();
  writing_.Swap(&pending_);
  writing_.set_seq(++sent_seq_);
  write_in_flight_ = true;
  return true;
}

void CallStream::OnWriteDone(bool ok) {
  bool start = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    write_in_flight_ = false;
    if (ok) start = PrepareWriteLocked();
  }
  if (start) StartWrite(&writing_);
  // A failed write means the stream is broken; the failed read and OnDone follow.
}

void CallStream::OnReadDone(bool ok) {
  if (!ok) {
    // The worker ended the stream or the connection broke: let OnDone report it.
    std::lock_guard<std::mutex> lock(mu_);
    if (!cancelled_) {
      cancelled_ = true;
      RemoveHold();
    }
    return;
  }
  bool start;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reading_.ack_seq() > acked_seq_) acked_seq_ = reading_.ack_seq();
    start = PrepareWriteLocked();
  }
  if (start) StartWrite(&writing_);
  if (reading_.replies_size() > 0) {
    auto batch = std::make_unique<pb::ReplyBatch>();
    batch->Swap(&reading_);
    callbacks_.on_replies(std::move(batch));
  }
  reading_.Clear();
  StartRead(&reading_);
}

void CallStream::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_) return;
    if (!cancelled_) {
      cancelled_ = true;
      RemoveHold();
    }
  }
  context_.TryCancel();
}

void CallStream::OnDone(const grpc::Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  // The owner may delete this stream as soon as on_done has posted its news, so nothing of
  // `this` is used after the call: the callback runs from a copy.
  std::function<void(const grpc::Status&)> on_done = callbacks_.on_done;
  on_done(status);
}

}  // namespace gw::forward
