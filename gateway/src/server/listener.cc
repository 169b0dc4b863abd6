#include "server/listener.h"

#include <netinet/in.h>
#include <sys/resource.h>

#include <string>

#include "observability/log.h"

namespace gw::server {
namespace {

// libuv answers EMFILE on accept by closing the waiting connections itself (its reserve-fd
// trick) and reports nothing, so the listener watches the descriptors it gets instead: a
// connection whose descriptor is this close to the limit means the next ones will be dropped.
constexpr uint64_t kFdHeadroom = 16;

uint64_t FdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return limit.rlim_cur;
}

}  // namespace

Listener::Listener(uv_loop_t* loop, const http::Limits& limits, ConnectionHandler* handler)
    : loop_(loop), limits_(limits), handler_(handler) {
  uv_tcp_init(loop_, &tcp_);
  tcp_.data = this;
}

int Listener::Listen(const std::string& host, int port) {
  sockaddr_storage addr{};
  int rc = uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (rc != 0) rc = uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr));
  if (rc != 0) return rc;
  rc = uv_tcp_bind(&tcp_, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc != 0) return rc;
  rc = uv_listen(reinterpret_cast<uv_stream_t*>(&tcp_), 1024, &Listener::OnConnection);
  if (rc != 0) return rc;
  listening_ = true;
  fd_limit_ = FdLimit();
  if (limits_.max_connections + kFdHeadroom > fd_limit_) {
    log::Warn("--max-connections " + std::to_string(limits_.max_connections) +
              " is above what the file descriptor limit (" + std::to_string(fd_limit_) +
              ", ulimit -n) allows: connections beyond it are dropped, not answered 503");
  }
  return 0;
}

int Listener::port() const {
  sockaddr_storage addr{};
  int len = sizeof(addr);
  if (uv_tcp_getsockname(&tcp_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void Listener::Stop() {
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&tcp_))) return;
  listening_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), nullptr);
}

void Listener::OnConnection(uv_stream_t* server, int status) noexcept {
  auto* self = static_cast<Listener*>(server->data);
  if (status == 0) {
    self->Accept();
  } else {
    self->LogAcceptError(status);
  }
}

// Out of file descriptors (EMFILE/ENFILE) is the usual cause: libuv then accepts and closes the
// waiting connections itself, and without this line nothing would say why clients are dropped.
void Listener::LogAcceptError(int status) {
  uint64_t events = 0;
  if (!accept_error_log_.Allow(uv_now(loop_), &events)) return;
  log::Error(std::string("cannot accept connections: ") + uv_strerror(status) + " (" +
             uv_err_name(status) + "), " + std::to_string(events) +
             " time(s) since the last such line; open connections: " +
             std::to_string(connections_.size()));
}

void Listener::Accept() {
  auto* conn = new Connection(loop_, limits_, handler_, &connections_);
  if (int rc = uv_accept(reinterpret_cast<uv_stream_t*>(&tcp_), conn->stream()); rc != 0) {
    conn->Close();
    LogAcceptError(rc);
    return;
  }
  uv_os_fd_t fd = -1;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(conn->stream()), &fd) == 0 &&
      static_cast<uint64_t>(fd) + kFdHeadroom >= fd_limit_) {
    uint64_t events = 0;
    if (fd_log_.Allow(uv_now(loop_), &events)) {
      log::Error("out of file descriptors: a connection got descriptor " + std::to_string(fd) +
                 " of a limit of " + std::to_string(fd_limit_) +
                 " (ulimit -n); connections beyond it are dropped by the kernel queue. " +
                 std::to_string(events) +
                 " such connection(s) since the last such line; open "
                 "connections: " +
                 std::to_string(connections_.size()));
    }
  }
  // The set already counts the new connection.
  if (connections_.size() > limits_.max_connections) {
    conn->RefuseRequests();
    uint64_t events = 0;
    if (over_limit_log_.Allow(uv_now(loop_), &events)) {
      log::Warn("connection limit reached (--max-connections " +
                std::to_string(limits_.max_connections) + "): " + std::to_string(events) +
                " connection(s) answered 503 since the last such line");
    }
  }
  conn->Start();
}

}  // namespace gw::server
