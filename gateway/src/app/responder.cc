#include "app/responder.h"

#include <uv.h>

#include "api/cors.h"
#include "observability/metrics.h"
#include "server/connection.h"

namespace gw::app {

void Responder::Started(server::Connection* conn, const http::Request& request) {
  access_log_.Started(request);
  conn->started_ns = uv_hrtime();
  metrics_.OnHttpRequestStarted();
}

void Responder::Respond(server::Connection* conn, int status, std::string_view body,
                        std::string_view content_type, std::vector<http::Header> headers) {
  access_log_.Finished(conn->current(), status);
  metrics_.OnHttpRequestDone(static_cast<double>(uv_hrtime() - conn->started_ns) * 1e-9);
  api::AppendSimpleCorsHeaders(conn->current(), &headers);
  http::ResponseHead head{status, content_type, std::move(headers), draining_};
  conn->Respond(head, body);
}

void Responder::RespondError(server::Connection* conn, http::Error error, std::string_view detail) {
  std::vector<http::Header> headers;
  http::AppendErrorHeaders(error, &headers);
  Respond(conn, http::Spec(error).status, http::ErrorBody(error, detail), http::kJson,
          std::move(headers));
}

}  // namespace gw::app
