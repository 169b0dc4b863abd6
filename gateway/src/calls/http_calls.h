// HTTP-shaped calls (static files, webview, auxiliary v2), between the request and the worker:
// what the worker is asked (the request as it came, or for a static file only our validator), and
// how its answer becomes the exchange's outcome (static bytes kept in the StaticCache and
// revalidated; the worker's headers kept except the ones the gateway writes itself).
#pragma once

#include <string>
#include <string_view>

#include "api/static_cache.h"
#include "calls/exchange.h"
#include "forward/worker_client.h"
#include "routing/job_routes.h"

namespace gw::calls {

// `prefix`: the /pub/job/{n}/{v} part of the request path (may be empty). Takes the request's
// headers and body (a static file's request needs neither).
forward::HttpCall BuildHttpCall(http::Request& request, std::string_view prefix,
                                const routing::JobEndpoint& endpoint, const std::string& base_url,
                                const api::StaticCache& cache);

// The worker's answer to an HTTP-shaped call (result.end == kAnswered) as the exchange's outcome.
// `request` is the client's (for its validators).
Outcome HttpOutcome(const Exchange& exchange, forward::CallResult& result,
                    const http::Request& request, api::StaticCache& cache);

}  // namespace gw::calls
