#include "server/connection.h"

#include <malloc.h>

#include <algorithm>
#include <memory>

#include "observability/log.h"

namespace gw::server {
namespace {

// Every read of the loop's thread goes into one buffer: libuv calls alloc, read and the read
// callback back to back for one connection at a time, and the codec copies what it keeps, so
// no connection needs a buffer of its own while it waits.
constexpr size_t kReadBufferBytes = 64 * 1024;

char* LoopReadBuffer() {
  thread_local std::unique_ptr<char[]> buffer(new char[kReadBufferBytes]);
  return buffer.get();
}

// After a flood of connections, memory the allocator keeps for them is given back to the system
// once the count has fallen to a quarter of a peak at least this high.
constexpr size_t kTrimAfterPeakConnections = 1'000;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Pipelined requests parsed ahead of the current one; beyond this we stop reading.
constexpr size_t kMaxQueuedRequests = 32;

}  // namespace

Connection::Connection(uv_loop_t* loop, const http::Limits& limits, ConnectionHandler* handler,
                       ConnectionSet* owner)
    : handler_(handler), owner_(owner), limits_(limits), parser_(limits) {
  uv_tcp_init(loop, &tcp_);
  uv_timer_init(loop, &timer_);
  tcp_.data = this;
  timer_.data = this;
  write_req_.data = this;
  open_handles_ = 2;
  owner_->Add(this);
}

void Connection::Start() {
  uv_tcp_nodelay(&tcp_, 1);
  UpdateReading();
  UpdateTimer();
}

void Connection::OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) noexcept {
  *buf = uv_buf_init(LoopReadBuffer(), static_cast<unsigned>(kReadBufferBytes));
}

void Connection::OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) noexcept {
  static_cast<Connection*>(s->data)->HandleRead(buf->base, nread);
}

void Connection::HandleRead(const char* data, ssize_t nread) {
  if (nread == 0) return;
  if (nread < 0) {
    read_eof_ = true;
    // A client that closes (FIN as much as RST) while its request is being answered or waits in
    // the queue has left: its work is abandoned (Close tells the handler). An answer already
    // complete and still being written is finished for a peer that only half-closed.
    if (nread == UV_EOF && !busy_ && queue_.empty() && write_pending_) {
      UpdateReading();
      close_after_write_ = true;
      return;
    }
    Close();
    return;
  }
  parsed_.clear();
  http::ParseError error = parser_.Feed(data, static_cast<size_t>(nread), &parsed_);
  for (auto& request : parsed_) queue_.push_back(std::move(request));
  DispatchNext();
  if (error != http::ParseError::kNone && !closing_) HandleParseError(error);
  if (closing_) return;
  MaybeSendContinue();
  Flush();
  UpdateReading();
  UpdateTimer();
}

// "100 Continue" goes out only when every earlier response has, so it is never read as the
// answer to an earlier pipelined request.
void Connection::MaybeSendContinue() {
  if (busy_ || !queue_.empty() || close_after_write_ || !deferred_error_.empty()) return;
  if (parser_.TakeContinue()) out_.append(kContinue);
}

void Connection::HandleParseError(http::ParseError error) {
  AnswerErrorAndClose(http::ErrorFor(error), parser_.ErrorReason());
}

void Connection::AnswerErrorAndClose(http::Error error, std::string_view reason) {
  // A response that closes the connection (handler's choice) went out before it: nothing may
  // follow that, so the bad bytes after it are dropped.
  if (close_after_write_) return;
  // Answer the bad request after the good ones before it, then close.
  std::string body = http::ErrorBody(error, reason);
  http::ResponseHead head{http::Spec(error).status, http::kJson, {}, true};
  read_eof_ = true;
  if (busy_ || !queue_.empty()) {
    // Earlier pipelined requests are still pending: answer them first, then this one.
    http::AppendResponse(&deferred_error_, head, body, false);
    return;
  }
  http::AppendResponse(&out_, head, body, false);
  close_after_write_ = true;
}

// Hands queued requests to the handler one at a time. A handler that answers at once returns
// here and the loop continues; re-entry from Respond() is a no-op.
void Connection::DispatchNext() {
  if (dispatching_) return;
  dispatching_ = true;
  while (!busy_ && !queue_.empty() && !closing_) {
    busy_ = true;
    if (refusing_) {
      Respond(
          http::ResponseHead{http::Spec(http::Error::kOverloaded).status, http::kJson, {}, true},
          http::ErrorBody(http::Error::kOverloaded));
      continue;
    }
    handler_->OnRequest(this, queue_.front());
  }
  dispatching_ = false;
  if (!busy_ && queue_.empty() && !deferred_error_.empty()) {
    out_.append(deferred_error_);
    deferred_error_.clear();
    close_after_write_ = true;
  }
}

void Connection::Respond(const http::ResponseHead& head, std::string_view body) {
  if (!busy_ || queue_.empty()) return;
  const http::Request& request = queue_.front();
  // When the connection closes after this answer anyway (drain, peer half-closed), say so, so
  // that a keep-alive client does not send its next request into a closing socket.
  bool last = close_after_write_ && queue_.size() == 1 && deferred_error_.empty();
  bool close = head.close || !request.keep_alive || last;
  bool head_only = request.method == http::Method::kHead;
  if (close) {
    http::ResponseHead closing = head;
    closing.close = true;
    http::AppendResponse(&out_, closing, body, head_only);
    close_after_write_ = true;
    queue_.clear();
    deferred_error_.clear();
  } else {
    http::AppendResponse(&out_, head, body, head_only);
    queue_.pop_front();
  }
  busy_ = false;
  pending_tag = 0;
  // The keep-alive idle time starts again from this answer; a pipelined request already being
  // received keeps its header or body timer running.
  if (timer_phase_ == TimerPhase::kKeepAlive) timer_phase_ = TimerPhase::kNone;
  if (dispatching_) return;  // the dispatch loop continues and its caller flushes once
  DispatchNext();
  MaybeSendContinue();
  Flush();
  UpdateReading();
  UpdateTimer();
}

void Connection::Flush() {
  if (write_pending_ || closing_) return;
  if (out_.empty()) {
    if (close_after_write_ && !busy_) Close();
    return;
  }
  // Most answers fit in the socket's send buffer and are written here at once. No write request
  // then, so none of libuv's write-queue upkeep either (it re-arms the socket's epoll entry after
  // every completed request: one epoll_ctl per answer). What does not fit goes out with uv_write.
  uv_buf_t buf = uv_buf_init(out_.data(), static_cast<unsigned>(out_.size()));
  const int written = uv_try_write(stream(), &buf, 1);
  if (written == static_cast<int>(out_.size())) {
    out_.clear();
    if (close_after_write_ && !busy_) Close();
    return;
  }
  if (written < 0 && written != UV_EAGAIN) {
    Close();
    return;
  }
  writing_.swap(out_);
  out_.clear();
  if (written > 0) writing_.erase(0, static_cast<std::size_t>(written));
  buf = uv_buf_init(writing_.data(), static_cast<unsigned>(writing_.size()));
  if (uv_write(&write_req_, stream(), &buf, 1, &Connection::OnWrite) != 0) {
    Close();
    return;
  }
  write_pending_ = true;
}

void Connection::OnWrite(uv_write_t* req, int status) noexcept {
  static_cast<Connection*>(req->data)->WriteDone(status);
}

void Connection::WriteDone(int status) {
  write_pending_ = false;
  writing_.clear();
  if (closing_) {
    // The handles close after this callback; OnClosed frees us.
    return;
  }
  if (status != 0) {
    Close();
    return;
  }
  Flush();
}

void Connection::UpdateReading() {
  bool want = !closing_ && !read_eof_ && !close_after_write_ && queue_.size() < kMaxQueuedRequests;
  if (want == reading_) return;
  reading_ = want;
  if (want) {
    uv_read_start(stream(), &Connection::OnAlloc, &Connection::OnRead);
  } else {
    uv_read_stop(stream());
  }
}

// One timer serves three limits: the time from the first byte of a request to the end of its
// headers, the time from there to the end of its body, and how long an idle keep-alive
// connection may stay open. A phase's timer starts when the phase starts; reads within it do not
// restart it, so a client cannot stretch a request by trickling bytes.
void Connection::UpdateTimer() {
  if (closing_) return;
  TimerPhase phase = TimerPhase::kNone;
  if (parser_.InHeaders()) {
    phase = TimerPhase::kHeaders;
  } else if (parser_.InMessage()) {
    phase = TimerPhase::kBody;
  } else if (!busy_ && queue_.empty()) {
    phase = TimerPhase::kKeepAlive;
  }
  if (phase == timer_phase_) return;
  timer_phase_ = phase;
  uint64_t timeout = 0;
  switch (phase) {
    case TimerPhase::kHeaders:
      timeout = limits_.header_timeout_ms;
      break;
    case TimerPhase::kBody:
      timeout = limits_.body_timeout_ms;
      break;
    case TimerPhase::kKeepAlive:
      // A connection over the limit gets no more idle time than it has to send its headers.
      timeout = refusing_ ? limits_.header_timeout_ms : limits_.keep_alive_timeout_ms;
      break;
    case TimerPhase::kNone:
      break;
  }
  if (timeout == 0) {
    uv_timer_stop(&timer_);
  } else {
    uv_timer_start(&timer_, &Connection::OnTimer, timeout, 0);
  }
}

void Connection::OnTimer(uv_timer_t* t) noexcept {
  static_cast<Connection*>(t->data)->HandleTimeout();
}

void Connection::HandleTimeout() {
  const TimerPhase phase = timer_phase_;
  timer_phase_ = TimerPhase::kNone;
  if (phase != TimerPhase::kHeaders && phase != TimerPhase::kBody) {
    Close();  // idle keep-alive connection
    return;
  }
  const bool headers = phase == TimerPhase::kHeaders;
  const uint64_t limit_ms = headers ? limits_.header_timeout_ms : limits_.body_timeout_ms;
  if (log::Enabled(log::Level::kInfo)) {
    log::Write(log::Level::kInfo, std::string("408: the client took longer than ") +
                                      std::to_string(limit_ms) + " ms to send the request " +
                                      (headers ? "headers" : "body"));
  }
  AnswerErrorAndClose(http::Error::kRequestTimeout,
                      headers ? "timed out waiting for the request headers"
                              : "timed out waiting for the request body");
  UpdateReading();
  Flush();
}

void Connection::CloseWhenIdle() {
  close_after_write_ = true;
  read_eof_ = true;
  if (closing_) return;
  UpdateReading();
  if (!busy_ && !write_pending_) Close();
}

void Connection::Close() {
  if (closing_) return;
  closing_ = true;
  if (busy_) handler_->OnAbandoned(this);
  busy_ = false;
  queue_.clear();
  owner_->Remove(this);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::OnClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::OnClosed);
}

void Connection::OnClosed(uv_handle_t* h) noexcept {
  auto* self = static_cast<Connection*>(h->data);
  if (--self->open_handles_ == 0) delete self;
}

void ConnectionSet::Add(Connection* c) {
  connections_.insert(c);
  peak_ = std::max(peak_, connections_.size());
}

void ConnectionSet::Remove(Connection* c) {
  connections_.erase(c);
  // The allocator keeps freed memory for reuse; after a flood, give it back each time the count
  // has fallen to a quarter of the last mark, down to no connection at all: a few trims per flood.
  const bool flood_over = peak_ >= kTrimAfterPeakConnections || trimming_;
  if (flood_over && connections_.size() <= peak_ / 4) {
    malloc_trim(0);
    peak_ = connections_.size();
    trimming_ = peak_ > 0;
  }
}

void ConnectionSet::CloseAllWhenIdle() {
  // CloseWhenIdle may remove the connection from the set: iterate over a copy.
  std::vector<Connection*> all(connections_.begin(), connections_.end());
  for (Connection* c : all) c->CloseWhenIdle();
}

}  // namespace gw::server
