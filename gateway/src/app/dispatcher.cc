#include "app/dispatcher.h"

#include "api/cors.h"
#include "api/probes.h"
#include "app/job_view.h"
#include "app/metrics_endpoint.h"
#include "app/responder.h"
#include "app/worker_lifecycle.h"
#include "calls/job_calls.h"
#include "config/config.h"
#include "config/job_config.h"
#include "docs/docs_site.h"
#include "docs/swagger_ui.h"
#include "observability/metrics.h"
#include "routing/router.h"
#include "routing/slash_redirect.h"

namespace gw::app {
namespace {

constexpr std::string_view kPerformEndpoint = "/perform";
constexpr std::string_view kHtml = "text/html; charset=utf-8";

}  // namespace

void Dispatcher::OnRequest(server::Connection* conn, http::Request& request) {
  routing::RouteMatch match = parts_.router.Match(request.method, request.Path());
  if (AnswerUnlogged(conn, request, match)) return;
  Responder& responder = parts_.responder;
  responder.Started(conn, request);
  if (match.id == routing::RouteId::kNotFound) {
    AnswerMiss(conn, request);
    return;
  }
  if (!match.method_allowed) {
    std::vector<http::Header> headers{{"allow", std::string(match.allow)}};
    responder.Respond(conn, 405, http::ErrorBody(http::Error::kMethodNotAllowed), http::kJson,
                      std::move(headers));
    return;
  }
  switch (match.id) {
    case routing::RouteId::kLive: {
      auto answer = parts_.probes.Live();
      responder.Respond(conn, answer.status, answer.body);
      return;
    }
    case routing::RouteId::kReady: {
      auto answer = parts_.probes.Ready();
      responder.Respond(conn, answer.status, answer.body);
      return;
    }
    case routing::RouteId::kHealth: {
      auto answer = parts_.probes.Health();
      responder.Respond(conn, answer.status, answer.body);
      return;
    }
    case routing::RouteId::kRoot:
      if (parts_.view.root_location.empty()) {
        responder.RespondError(conn, http::Error::kNotFound);  // as the original while loading
      } else {
        responder.Respond(conn, 307, {}, {}, {{"location", parts_.view.root_location}});
      }
      return;
    case routing::RouteId::kPerform:
      if (RefuseCall(conn, true)) return;
      parts_.job_calls.StartJsonCall(conn, request, kPerformEndpoint, parts_.view.perform_example);
      return;
    case routing::RouteId::kJobEndpoint:
      AnswerJobEndpoint(conn, request, match);
      return;
    case routing::RouteId::kMetrics:
      if (parts_.config.metrics_enabled) {
        parts_.metrics_endpoint.Handle(conn, match.rest, request.method, parts_.lifecycle.worker());
      } else {
        responder.RespondError(conn, http::Error::kNotFound);
      }
      return;
    case routing::RouteId::kOpenApi:
    case routing::RouteId::kDocs:
    case routing::RouteId::kDocsOAuth2Redirect:
    case routing::RouteId::kDocsAsset:
      AnswerDocs(conn, match);
      return;
    case routing::RouteId::kParameters: {
      forward::WorkerClient* worker = parts_.lifecycle.worker();
      if (const forward::JobDescription* d = worker ? worker->description() : nullptr) {
        responder.Respond(conn, 200, d->parameters_json);
      } else {
        responder.RespondError(conn, http::Error::kNotFound);  // as the original while loading
      }
      return;
    }
    default:
      responder.RespondError(conn, http::Error::kNotFound);
  }
}

// CORS preflights and the bare-prefix redirect are answered outside the app in the original,
// which does not log them.
bool Dispatcher::AnswerUnlogged(server::Connection* conn, http::Request& request,
                                const routing::RouteMatch& match) {
  if (api::IsPreflight(request)) {
    http::ResponseHead head{200, api::kPreflightContentType, api::PreflightHeaders(request),
                            parts_.responder.draining()};
    conn->Respond(head, api::kPreflightBody);
    return true;
  }
  if (match.id != routing::RouteId::kPrefixRedirect) return false;
  std::string location(request.Path());
  location.push_back('/');
  http::ResponseHead head{307, {}, {{"location", std::move(location)}}, false};
  api::AppendSimpleCorsHeaders(request, &head.headers);
  conn->Respond(head, {});
  return true;
}

// A miss whose trailing-slash twin has a route gets a 307 to it; anything else is a 404.
void Dispatcher::AnswerMiss(server::Connection* conn, http::Request& request) {
  auto other = routing::SlashRedirectPath(parts_.router, request.method, request.Path());
  if (!other) {
    parts_.responder.RespondError(conn, http::Error::kNotFound);
    return;
  }
  const std::string* host = request.FindHeader("host");
  std::string location = routing::AbsoluteLocation(
      host ? *host : parts_.config.host + ":" + std::to_string(port_), *other, request.Query());
  parts_.responder.Respond(conn, 307, {}, {}, {{"location", std::move(location)}});
}

void Dispatcher::AnswerDocs(server::Connection* conn, const routing::RouteMatch& match) {
  Responder& responder = parts_.responder;
  switch (match.id) {
    case routing::RouteId::kOpenApi:
      responder.Respond(conn, 200, parts_.docs.openapi_json());
      return;
    case routing::RouteId::kDocs:
      responder.Respond(conn, 200, parts_.docs.SwaggerPage(match.prefix), kHtml);
      return;
    case routing::RouteId::kDocsOAuth2Redirect:
      responder.Respond(conn, 200, docs::OAuth2RedirectHtml(), kHtml);
      return;
    default:
      break;
  }
  std::string_view name = match.rest.substr(docs::kDocsPath.size() + 1);
  if (const docs::Asset* asset = docs::FindAsset(name)) {
    responder.Respond(conn, 200, asset->body, asset->content_type,
                      {{"cache-control", std::string(docs::kAssetCacheControl)}});
  } else {
    responder.RespondError(conn, http::Error::kNotFound);
  }
}

void Dispatcher::AnswerJobEndpoint(server::Connection* conn, http::Request& request,
                                   const routing::RouteMatch& match) {
  const routing::JobEndpoint& endpoint = *match.endpoint;
  bool json_call = endpoint.transport == routing::Transport::kJsonCall;
  if (RefuseCall(conn, json_call)) return;
  if (json_call) {
    parts_.job_calls.StartJsonCall(conn, request, endpoint.path, endpoint.input_example_json);
  } else {
    parts_.job_calls.StartHttpCall(conn, request, match.prefix, endpoint);
  }
}

bool Dispatcher::RefuseCall(server::Connection* conn, bool json_call) {
  forward::WorkerClient* worker = parts_.lifecycle.worker();
  bool ready = worker != nullptr && worker->ready();
  // A manifest that cannot be read fails the job for good (JSON calls say so, spec §4).
  if (ready && !(json_call && parts_.job.manifest.error)) return false;
  bool failed = json_call && parts_.probes.init_failed();
  parts_.responder.RespondError(conn,
                                failed ? http::Error::kJobFailedToLoad : http::Error::kJobNotReady);
  return true;
}

void Dispatcher::OnAbandoned(server::Connection* conn) {
  if (conn->pending_tag == 0) return;
  parts_.job_calls.Abandon(conn->pending_tag);
  parts_.metrics_endpoint.Abandon(conn->pending_tag);
}

}  // namespace gw::app
