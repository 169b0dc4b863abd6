// One long-lived Calls stream to a worker, on the completion queue (forward/completion_thread.h).
// Calls and replies travel in batches: everything pending when a write can start goes in one
// message, and at most kWindow messages may be unacknowledged, so that under load calls
// accumulate into larger batches. Completions run on the completion thread and only hand results
// to the loop through Loop::Post. Ending the stream never waits: Cancel() asks, and on_done
// reports (last) once gRPC is done with it, after which the owner may delete it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>

#include "forward/completion_thread.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace gw::forward {

namespace pb = ::racetrack::worker::v1;

class CallStream {
 public:
  static constexpr uint64_t kWindow = 2;

  struct Callbacks {
    // Called on the completion thread with a batch of replies; takes ownership.
    std::function<void(std::unique_ptr<pb::ReplyBatch>)> on_replies;
    // Called on the completion thread once the stream has ended; the stream is not touched
    // after it.
    std::function<void(const grpc::Status&)> on_done;
  };

  CallStream(pb::Worker::Stub* stub, grpc::CompletionQueue* queue, Callbacks callbacks);
  CallStream(const CallStream&) = delete;
  CallStream& operator=(const CallStream&) = delete;

  // Loop thread. Moves the calls and cancels of `outbox` into the next message. Returns false if
  // the stream has already ended (the calls were not taken).
  bool Send(pb::CallBatch* outbox);
  // Any thread. Ends the stream; on_done follows.
  void Cancel();

 private:
  void OnStarted(bool ok);
  void OnWriteDone(bool ok);
  void OnReadDone(bool ok);
  void OnFinished(bool ok);

  // Under mu_: if a write may start, prepares writing_ and returns true.
  bool PrepareWriteLocked();
  void StartWriteLocked();
  // Under mu_: asks for the stream's status, once (after a failed read: nothing more comes).
  void FinishLocked();
  // Under mu_: true once, when the status is in and gRPC holds no operation any more.
  bool OverLocked();
  void ReportDone();

  grpc::ClientContext context_;
  Callbacks callbacks_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<pb::CallBatch, pb::ReplyBatch>> stream_;
  MemberCompletion<CallStream, &CallStream::OnStarted> started_{this};
  MemberCompletion<CallStream, &CallStream::OnWriteDone> written_{this};
  MemberCompletion<CallStream, &CallStream::OnReadDone> read_{this};
  MemberCompletion<CallStream, &CallStream::OnFinished> finished_{this};
  pb::ReplyBatch reading_;  // owned by gRPC while a read is outstanding
  grpc::Status status_;     // filled by gRPC before OnFinished

  // gRPC operations are started under mu_, so none starts after the stream is over.
  std::mutex mu_;
  pb::CallBatch pending_;  // guarded by mu_
  pb::CallBatch writing_;  // owned by gRPC while write_in_flight_
  int operations_ = 0;     // started and not yet completed
  // The first write waits for the start: gRPC sends the stream's headers with the same
  // operation set as a write, so a write before the start has completed would be a second one.
  bool started_ok_ = false;
  bool write_in_flight_ = false;
  bool finishing_ = false;  // Finish started
  bool have_status_ = false;
  bool done_ = false;
  bool cancelled_ = false;
  uint64_t sent_seq_ = 0;
  uint64_t acked_seq_ = 0;
};

}  // namespace gw::forward
