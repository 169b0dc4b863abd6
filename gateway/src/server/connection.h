// One client connection. Owns its uv_tcp_t, the HTTP codec, the queue of parsed (pipelined)
// requests, its output buffers and its timer. Requests are handed to the handler one at a time,
// in order; the handler answers with Respond(), now or on a later loop turn. Close() is the one
// idempotent door out; the object frees itself after the last libuv close callback.
#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

#include "http/errors.h"
#include "http/limits.h"
#include "http/parser.h"
#include "http/request.h"
#include "http/response.h"

namespace gw::server {

class Connection;

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // A complete request. The handler answers it with conn->Respond() exactly once. The request
  // stays valid (owned by the connection) until then.
  virtual void OnRequest(Connection* conn, http::Request& request) = 0;
  // The connection is closing with a request still unanswered: drop any work done for it.
  virtual void OnAbandoned(Connection* conn) = 0;
};

class ConnectionSet;

class Connection {
 public:
  Connection(uv_loop_t* loop, const http::Limits& limits, ConnectionHandler* handler,
             ConnectionSet* owner);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  // Starts reading; called once the listener accepted into stream().
  void Start();
  // Answers the current request.
  void Respond(const http::ResponseHead& head, std::string_view body);
  // Closes the connection once the current request (if any) is answered.
  void CloseWhenIdle();
  // Over the connection limit: every request on this connection gets 503 and the connection
  // closes after the first answer; the handler never sees it. Call before Start().
  void RefuseRequests() { refusing_ = true; }
  void Close();

  bool busy() const { return busy_; }
  // The request being answered; valid only while busy().
  const http::Request& current() const { return queue_.front(); }
  // Opaque slot for the handler (e.g. the id of the call the current request waits on).
  uint64_t pending_tag = 0;
  // Handler-owned facts about the current request, for its metrics: when the handler got it
  // (uv_hrtime) and the metrics slot of the job endpoint it calls.
  uint64_t started_ns = 0;
  uint32_t metrics_endpoint = 0;

 private:
  // Which limit the timer enforces now. The header and body limits are totals: the timer starts
  // when the phase starts and does not restart on every read.
  enum class TimerPhase : uint8_t { kNone, kKeepAlive, kHeaders, kBody };

  static void OnAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) noexcept;
  static void OnRead(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) noexcept;
  static void OnWrite(uv_write_t* req, int status) noexcept;
  static void OnTimer(uv_timer_t* t) noexcept;
  static void OnClosed(uv_handle_t* h) noexcept;

  void HandleRead(const char* data, ssize_t nread);
  void HandleParseError(http::ParseError error);
  // Answers the request being received with an error and closes after it (and after the
  // answers to earlier pipelined requests).
  void AnswerErrorAndClose(http::Error error, std::string_view reason);
  void MaybeSendContinue();
  void HandleTimeout();
  void DispatchNext();
  void Flush();
  void WriteDone(int status);
  void UpdateTimer();
  void UpdateReading();

  ConnectionHandler* handler_;
  ConnectionSet* owner_;
  const http::Limits& limits_;
  uv_tcp_t tcp_;
  uv_timer_t timer_;
  uv_write_t write_req_;
  http::RequestParser parser_;

  // Buffers. Reads go to one loop-wide buffer (connection.cc); the codec copies what it keeps, so
  // an idle connection holds no read buffer. out_ collects responses until Flush(); writing_ is
  // handed to libuv and must not change until OnWrite.
  std::string out_;
  std::string writing_;
  std::string deferred_error_;  // answer to a bad request queued behind good ones

  std::vector<http::Request> parsed_;  // scratch for one Feed()
  std::deque<http::Request> queue_;    // pipelined requests not yet answered; front is current
  int open_handles_ = 0;
  TimerPhase timer_phase_ = TimerPhase::kNone;
  bool busy_ = false;           // the front request is with the handler
  bool write_pending_ = false;  // a uv_write is in flight
  bool dispatching_ = false;    // inside DispatchNext's loop
  bool close_after_write_ = false;
  bool reading_ = false;
  bool read_eof_ = false;
  bool closing_ = false;
  bool refusing_ = false;  // over the connection limit: answer 503, then close
};

// The set of live connections, for graceful shutdown. Connections add and remove themselves.
class ConnectionSet {
 public:
  void Add(Connection* c);
  void Remove(Connection* c);
  // Idle connections close now, busy ones after their current response.
  void CloseAllWhenIdle();
  size_t size() const { return connections_.size(); }

 private:
  std::unordered_set<Connection*> connections_;
  size_t peak_ = 0;        // most connections open at once since memory was last given back
  bool trimming_ = false;  // after a flood: give memory back again at each quarter, down to 0
};

}  // namespace gw::server
