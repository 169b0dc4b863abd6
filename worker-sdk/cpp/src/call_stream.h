// CallStream: one Calls stream from the gateway (a gRPC callback reactor). It reads CallBatch
// messages one after another, runs each call inline or hands it to the CallPool (as the
// DispatchPolicy says, call by call), and writes back everything that
// is pending whenever no write is outstanding: finished replies plus the ack of the latest read
// seq. So replies that finish together leave together, and each read is acknowledged with the
// next write even when the job is slow.
//
// Ownership: the stream keeps itself alive (self_) until gRPC calls OnDone; pool tasks hold
// shared references, so a call that finishes after the stream ended only drops its reply.
// Every gRPC operation is decided under mu_ and started after it is released; Finish is never
// decided while a write is outstanding, and nothing is started after Finish.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "call_pool.h"
#include "dispatch_policy.h"
#include "racetrack/internal/dispatch.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace racetrack::internal {

class JobHost;

class CallStream final : public grpc::ServerBidiReactor<racetrack::worker::v1::CallBatch,
                                                        racetrack::worker::v1::ReplyBatch>,
                         public std::enable_shared_from_this<CallStream> {
 public:
  using DoneCallback = std::function<void(CallStream*)>;

  // Creates a stream that starts reading at once; `on_done` runs when gRPC is done with it.
  // No ReplyBatch written is larger than about `max_message_bytes`.
  static std::shared_ptr<CallStream> Open(JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
                                          std::size_t max_message_bytes, DoneCallback on_done);

  CallStream(JobHost& host, CallPool& pool, DispatchPolicy& dispatch, std::size_t max_message_bytes,
             DoneCallback on_done);

  // Runs the call (on a pool thread, or inline on the reader) and queues its reply; `flush`
  // starts a write if one may start now.
  void Execute(CallTask& task, bool flush = true);

  // Ends the stream (status UNAVAILABLE) as soon as every call read so far is answered.
  void Drain();

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // What to start on the stream after mu_ is released.
  struct Next {
    bool write = false;
    bool finish = false;
    grpc::Status status;
  };

  Next DecideLocked();
  void TakePendingLocked();
  void Start(const Next& next);
  void StartNextRead();
  void Complete(std::uint64_t id, CallOutcome&& outcome, bool flush = true);
  void MarkBrokenLocked();

  JobHost& host_;
  CallPool& pool_;
  DispatchPolicy& dispatch_;
  const std::size_t max_batch_bytes_;  // payload bytes per ReplyBatch, below the gRPC limit
  DoneCallback on_done_;
  std::shared_ptr<CallStream> self_;  // set by Open, released in OnDone

  // Owned by the outstanding read (one at a time); OnReadDone takes what it needs out of it
  // before starting the next read.
  racetrack::worker::v1::CallBatch read_batch_;

  // Owned by the outstanding write; swapped with pending_ under mu_ when a write starts.
  racetrack::worker::v1::ReplyBatch writing_;

  // Set once nothing can be delivered any more; pool threads then skip the job.
  std::atomic<bool> abandoned_{false};

  std::mutex mu_;
  racetrack::worker::v1::ReplyBatch pending_;       // replies not yet handed to gRPC
  std::size_t pending_bytes_ = 0;                   // their approximate encoded size
  std::unordered_map<std::uint64_t, bool> queued_;  // calls not started yet -> cancelled
  // Calls running now -> their cancellation flag (what CurrentCall().cancelled() reads).
  std::unordered_map<std::uint64_t, std::shared_ptr<std::atomic<bool>>> running_;
  std::uint64_t read_seq_ = 0;  // CallBatch.seq of the latest message read
  bool ack_due_ = false;        // a message was read since the last write started
  std::size_t in_flight_ = 0;   // calls read and not answered yet
  bool write_outstanding_ = false;
  bool reads_done_ = false;  // the gateway half-closed, or the stream broke
  bool draining_ = false;
  bool broken_ = false;    // cancelled, or a write failed
  bool finished_ = false;  // Finish() decided
};

}  // namespace racetrack::internal
