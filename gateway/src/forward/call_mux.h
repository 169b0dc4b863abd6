// The call multiplexer: perform and auxiliary calls of every client share one Calls stream to
// the worker. Calls started in one loop turn go out together (a uv_check handle hands the turn's
// outbox to the stream after the poll phase); replies come back posted to the loop and reach the
// sink by call id. Deadlines are swept on the loop. A stream that ends fails its calls at once;
// a stream being torn down finishes on the completion thread and reports back through
// Loop::Post, so the loop never waits for it. forward/ only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "forward/call_stream.h"
#include "forward/worker_client.h"
#include "forward/worker_link.h"

namespace gw {
class Loop;
}

namespace gw::forward {

class CallMux {
 public:
  static constexpr uint64_t kDeadlineSweepMs = 50;

  // `on_lost(reason)` runs when the open stream ends by itself (the worker went away).
  CallMux(Loop& loop, CallSink* sink, std::function<void(const std::string&)> on_lost);
  ~CallMux();
  CallMux(const CallMux&) = delete;
  CallMux& operator=(const CallMux&) = delete;

  // Opens a new stream on `link` (a ready worker).
  void Open(const std::shared_ptr<WorkerLink>& link);
  // Ends the open stream (if any) and every call in flight with `end` and `message`.
  void FailAll(CallEnd end, const std::string& message);

  void Start(uint64_t id, std::string_view endpoint, std::string&& payload_json,
             const http::Request& request, uint32_t timeout_ms);
  // Asks the worker to stop call `id`; its end still reaches the sink. False if not ours.
  bool Cancel(uint64_t id);
  // Calls the worker has not let go of (cancelled ones included).
  size_t in_flight() const { return pending_.size(); }
  // uv_now() when the worker last ended a call (or a stream opened).
  uint64_t last_progress_ms() const { return last_progress_ms_; }

  // Closes the handles; `done` runs once they are closed and every stream has been let go.
  void Close(std::function<void()> done);

 private:
  struct Pending {
    uint64_t deadline_ms;  // uv_now() based; 0: none
    uint64_t sent_ns;      // uv_hrtime() when the call was queued for the stream
    uint32_t timeout_ms;
    bool cancelled = false;  // the worker was asked to stop it; its end is still awaited
  };

  static void OnHandleClosed(uv_handle_t* handle) noexcept;
  void FlushOutbox();
  void SweepDeadlines();
  void HandleReplies(pb::ReplyBatch& batch);
  void OnStreamDone(uint64_t stream_id, const std::string& reason);
  void RetireOpenStream();
  void MaybeClosed();

  Loop& loop_;
  CallSink* sink_;
  std::function<void(const std::string&)> on_lost_;
  uv_check_t flush_check_;
  uv_timer_t deadline_timer_;
  int open_handles_ = 0;
  bool closing_ = false;
  std::function<void()> closed_;

  // Every stream not yet reported done, by id; open_stream_ is the one that carries new calls.
  std::unordered_map<uint64_t, std::unique_ptr<CallStream>> streams_;
  uint64_t open_stream_ = 0;
  uint64_t next_stream_ = 0;

  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t last_progress_ms_ = 0;
  pb::CallBatch outbox_;  // calls of this loop turn, sent together by the check handle
};

}  // namespace gw::forward
