// Writes every answer the gateway's app layer gives: the access line (spec §15), the commons
// metrics, the CORS headers for requests with an Origin, and `Connection: close` while draining.
// Built-in endpoints and exchanges both answer through it. Loop thread only.
#pragma once

#include <string_view>
#include <vector>

#include "api/access_log.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/response.h"

namespace gw::observability {
class Metrics;
}
namespace gw::server {
class Connection;
}

namespace gw::app {

class Responder {
 public:
  explicit Responder(observability::Metrics& metrics) : metrics_(metrics) {}

  // A request the app answers (logged and counted): call before answering it.
  void Started(server::Connection* conn, const http::Request& request);
  void Respond(server::Connection* conn, int status, std::string_view body,
               std::string_view content_type = http::kJson, std::vector<http::Header> headers = {});
  // An error of the gateway's own (http/errors.h), with `detail` instead of its default text.
  void RespondError(server::Connection* conn, http::Error error, std::string_view detail = {});

  void set_draining(bool draining) { draining_ = draining; }
  bool draining() const { return draining_; }

 private:
  observability::Metrics& metrics_;
  api::AccessLog access_log_;
  bool draining_ = false;
};

}  // namespace gw::app
