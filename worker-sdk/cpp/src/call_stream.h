// CallStream: one Calls stream from the gateway, on the completion-queue API. It reads CallBatch
// messages one after another, runs each call inline (on the completion drain, which read it) or
// hands it to the CallPool (as the DispatchPolicy says, call by call), and writes back everything
// that is pending whenever no write is outstanding: finished replies plus the ack of the latest
// read seq. So replies that finish together leave together, and each read is acknowledged with
// the next write even when the job is slow; a message marked ack_later (the gateway's window has
// room) is acknowledged by the next reply instead of a write of its own.
//
// Ownership: the stream keeps itself alive (self_) from the moment it asks for a Calls RPC until
// gRPC is done with it (every operation completed and the call over); then the gRPC call is
// released at once, while pool tasks that still hold shared references keep only the stream's
// state, so a call that finishes after the stream ended drops its reply. Every operation is
// decided and started under mu_; Finish is never decided while a write is outstanding, and
// nothing is started after Finish.
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
#include "racetrack_common/grpc_completion.h"

namespace racetrack::internal {

class CompletionDrain;
class JobHost;

class CallStream final : public std::enable_shared_from_this<CallStream> {
 public:
  // Called with the stream once a Calls RPC arrived on it (`accepted`), and once gRPC is done
  // with it (`done`), on the completion drain.
  struct Hooks {
    std::function<void(CallStream*)> accepted;  // may call Drain()
    std::function<void(CallStream*)> done;
  };

  // Asks gRPC for the next Calls RPC on `queue`, with a new stream that starts reading once the
  // RPC arrives. No ReplyBatch written is larger than about `max_message_bytes`.
  static void Listen(racetrack::worker::v1::Worker::AsyncService& service, CompletionDrain& drain,
                     JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
                     std::size_t max_message_bytes, Hooks hooks);

  CallStream(CompletionDrain& drain, JobHost& host, CallPool& pool, DispatchPolicy& dispatch,
             std::size_t max_message_bytes, Hooks hooks);

  // Runs the call (on a pool thread, or inline on the drain) and queues its reply; `flush`
  // starts a write if one may start now.
  void Execute(CallTask& task, bool flush = true);

  // Ends the stream (status UNAVAILABLE) as soon as every call read so far is answered.
  void Drain();

 private:
  template <void (CallStream::*kOnComplete)(bool)>
  using Tag = racetrack_common::MemberCompletion<CallStream, kOnComplete>;
  using Rpc = grpc::ServerAsyncReaderWriter<racetrack::worker::v1::ReplyBatch,
                                            racetrack::worker::v1::CallBatch>;

  void OnAccepted(bool ok);
  void OnMetadataSent(bool ok);
  void OnReadDone(bool ok);
  void OnWriteDone(bool ok);
  void OnFinished(bool ok);
  void OnCallDone(bool ok);

  void StartNextLocked();
  // Starts what is due, releases the lock, and lets the gRPC call go once nothing is outstanding
  // and the call is over.
  void Proceed(std::unique_lock<std::mutex>& lock);
  void TakePendingLocked();
  void StartNextReadLocked();
  void Complete(std::uint64_t id, CallOutcome&& outcome, bool flush = true);
  void MarkBrokenLocked();

  CompletionDrain& drain_;
  JobHost& host_;
  CallPool& pool_;
  DispatchPolicy& dispatch_;
  const std::size_t max_batch_bytes_;  // payload bytes per ReplyBatch, below the gRPC limit
  Hooks hooks_;
  std::shared_ptr<CallStream> self_;  // set by Listen, released when gRPC is done with the stream

  // The gRPC call; released (on the completion drain) once gRPC is done with it.
  std::unique_ptr<grpc::ServerContext> context_ = std::make_unique<grpc::ServerContext>();
  std::unique_ptr<Rpc> rpc_ = std::make_unique<Rpc>(context_.get());
  Tag<&CallStream::OnAccepted> accepted_tag_{this};
  Tag<&CallStream::OnMetadataSent> metadata_tag_{this};
  Tag<&CallStream::OnReadDone> read_tag_{this};
  Tag<&CallStream::OnWriteDone> write_tag_{this};
  Tag<&CallStream::OnFinished> finish_tag_{this};
  Tag<&CallStream::OnCallDone> done_tag_{this};

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
  bool ack_due_ = false;  // a message whose ack the gateway waits for was read since the last write
  std::size_t in_flight_ = 0;  // calls read and not answered yet
  bool write_outstanding_ = false;
  bool reads_done_ = false;  // the gateway half-closed, or the stream broke
  bool draining_ = false;
  bool broken_ = false;     // cancelled, or a write failed
  bool finished_ = false;   // Finish() decided
  bool started_ = false;    // the headers and the first read have started
  int operations_ = 0;      // operations started and not completed
  bool call_over_ = false;  // gRPC reported the call done (finished or cancelled)
};

}  // namespace racetrack::internal
