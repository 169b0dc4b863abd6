#include "server/listener.h"

#include <netinet/in.h>

namespace gw::server {

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
  if (status == 0) static_cast<Listener*>(server->data)->Accept();
}

void Listener::Accept() {
  auto* conn = new Connection(loop_, limits_, handler_, &connections_);
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&tcp_), conn->stream()) != 0) {
    conn->Close();
    return;
  }
  conn->Start();
}

}  // namespace gw::server
