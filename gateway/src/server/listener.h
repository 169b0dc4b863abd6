// The listening TCP socket. Accepts connections and hands each to a new Connection that owns
// itself from then on. Beyond --max-connections a new connection is still accepted, so that its
// client gets a 503 rather than a hang, and closed after that answer. Stop() closes the socket (new
// connections are refused) and leaves the open connections to the ConnectionSet.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>

#include "http/limits.h"
#include "server/connection.h"
#include "server/log_throttle.h"

namespace gw::server {

class Listener {
 public:
  Listener(uv_loop_t* loop, const http::Limits& limits, ConnectionHandler* handler);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and listens. Returns 0 or a libuv error code (e.g. UV_EADDRINUSE).
  int Listen(const std::string& host, int port);
  // The port actually bound (useful with port 0).
  int port() const;
  void Stop();

  ConnectionSet& connections() { return connections_; }

 private:
  static void OnConnection(uv_stream_t* server, int status) noexcept;
  void Accept();
  void LogAcceptError(int status);

  uv_loop_t* loop_;
  const http::Limits& limits_;
  ConnectionHandler* handler_;
  uv_tcp_t tcp_;
  bool listening_ = false;
  ConnectionSet connections_;
  LogThrottle over_limit_log_;
  LogThrottle accept_error_log_;
  LogThrottle fd_log_;
  uint64_t fd_limit_ = UINT64_MAX;  // RLIMIT_NOFILE when Listen() ran
};

}  // namespace gw::server
