// One long-lived Calls stream to a worker (gRPC callback reactor). Calls and replies travel in
// batches: everything pending when a write can start goes in one message, and at most kWindow
// messages may be unacknowledged, so that under load calls accumulate into larger batches.
// Reactions run on gRPC threads and only hand results to the loop through Loop::Post. Ending
// the stream never waits: Cancel() asks, and on_done reports (last) once gRPC is done with it,
// after which the owner may delete it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>

#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace gw::forward {

namespace pb = ::racetrack::worker::v1;

class CallStream : public grpc::ClientBidiReactor<pb::CallBatch, pb::ReplyBatch> {
 public:
  static constexpr uint64_t kWindow = 2;

  struct Callbacks {
    // Called on a gRPC thread with a batch of replies; takes ownership.
    std::function<void(std::unique_ptr<pb::ReplyBatch>)> on_replies;
    // Called on a gRPC thread once the stream has ended; the stream is not touched after it.
    std::function<void(const grpc::Status&)> on_done;
  };

  CallStream(pb::Worker::Stub* stub, Callbacks callbacks);

  // Loop thread. Moves the calls and cancels of `outbox` into the next message. Returns false if
  // the stream has already ended (the calls were not taken).
  bool Send(pb::CallBatch* outbox);
  // Any thread. Ends the stream; on_done follows.
  void Cancel();

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  // Under mu_: if a write may start, prepares writing_ and returns true; the caller then calls
  // StartWrite outside the lock.
  bool PrepareWriteLocked();

  grpc::ClientContext context_;
  Callbacks callbacks_;
  pb::ReplyBatch reading_;  // owned by gRPC between StartRead and OnReadDone

  std::mutex mu_;
  pb::CallBatch pending_;  // guarded by mu_
  pb::CallBatch writing_;  // owned by gRPC while write_in_flight_
  bool write_in_flight_ = false;
  bool done_ = false;
  bool cancelled_ = false;
  uint64_t sent_seq_ = 0;
  uint64_t acked_seq_ = 0;
};

}  // namespace gw::forward
