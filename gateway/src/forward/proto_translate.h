// Between the worker contract's messages (proto/) and the gateway's own types: Describe → the
// job description, Metrics → gauges, Http ⇄ HttpCall/CallResult, replies → CallResult. Pure
// functions, unit-tested; forward/ only (it includes the generated proto headers).
#pragma once

#include <grpcpp/grpcpp.h>

#include <vector>

#include "forward/worker_client.h"
#include "racetrack/worker/v1/worker.pb.h"

namespace gw::forward {

namespace pb = ::racetrack::worker::v1;

JobDescription DescriptionFromProto(const pb::JobDescription& d);
std::vector<observability::JobGauge> GaugesFromProto(pb::MetricsReply& reply);
void HttpCallToProto(HttpCall& in, pb::HttpRequest* out);
// An Http RPC's answer; `status` is the RPC's own status (a failed RPC is kWorkerLost or
// kTimeout).
CallResult HttpResultFromProto(const grpc::Status& status, pb::HttpResponse& reply);
// One reply of the Calls stream.
void ReplyToResult(pb::Reply& reply, CallResult* out);

}  // namespace gw::forward
