#include "forward/proto_translate.h"

#include <algorithm>

namespace gw::forward {
namespace {

EndpointDescription::Kind KindFromProto(pb::EndpointKind kind) {
  using Kind = EndpointDescription::Kind;
  switch (kind) {
    case pb::ENDPOINT_KIND_PERFORM:
      return Kind::kPerform;
    case pb::ENDPOINT_KIND_AUXILIARY:
      return Kind::kAuxiliary;
    case pb::ENDPOINT_KIND_STATIC:
      return Kind::kStatic;
    case pb::ENDPOINT_KIND_WEBVIEW:
      return Kind::kWebview;
    default:
      return Kind::kUnspecified;
  }
}

EndpointDescription EndpointFromProto(const pb::Endpoint& e) {
  EndpointDescription out;
  out.path = e.path();
  out.methods.assign(e.methods().begin(), e.methods().end());
  out.kind = KindFromProto(e.kind());
  out.summary = e.summary();
  out.description = e.description();
  if (e.has_input_example_json()) out.input_example_json = e.input_example_json();
  out.mimetype = e.mimetype();
  out.openapi_operation_json = e.openapi_operation_json();
  out.path_template = e.path_template();
  return out;
}

}  // namespace

JobDescription DescriptionFromProto(const pb::JobDescription& d) {
  JobDescription out;
  out.class_name = d.class_name();
  out.parameters_json = d.parameters_json().empty() ? "[]" : d.parameters_json();
  out.max_concurrency = d.max_concurrency();
  out.sdk = d.sdk();
  for (const auto& e : d.endpoints()) {
    if (e.kind() == pb::ENDPOINT_KIND_PERFORM && e.has_input_example_json()) {
      out.perform_example_json = e.input_example_json();
    }
    out.endpoints.push_back(EndpointFromProto(e));
  }
  return out;
}

std::vector<observability::JobGauge> GaugesFromProto(pb::MetricsReply& reply) {
  std::vector<observability::JobGauge> gauges;
  gauges.reserve(static_cast<size_t>(reply.metrics_size()));
  for (pb::JobMetric& m : *reply.mutable_metrics()) {
    observability::JobGauge g;
    g.name = std::move(*m.mutable_name());
    g.value = m.value();
    g.description = std::move(*m.mutable_description());
    // A proto map has no order; sort the labels so that a series always reads the same.
    for (const auto& [key, value] : m.labels()) g.labels.emplace_back(key, value);
    std::sort(g.labels.begin(), g.labels.end());
    gauges.push_back(std::move(g));
  }
  return gauges;
}

void HttpCallToProto(HttpCall& in, pb::HttpRequest* out) {
  out->set_endpoint(std::move(in.endpoint));
  out->set_method(std::move(in.method));
  out->set_path(std::move(in.path));
  out->set_query(std::move(in.query));
  for (http::Header& h : in.headers) {
    pb::Header* header = out->add_headers();
    header->set_name(std::move(h.name));
    header->set_value(std::move(h.value));
  }
  out->set_body(std::move(in.body));
  out->set_base_url(std::move(in.base_url));
  out->set_root_path(std::move(in.root_path));
}

CallResult HttpResultFromProto(const grpc::Status& status, pb::HttpResponse& reply) {
  CallResult out;
  if (!status.ok()) {
    out.end = status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ? CallEnd::kTimeout
                                                                         : CallEnd::kWorkerLost;
    out.message = "the worker failed to answer: " + status.error_message();
    return out;
  }
  out.end = CallEnd::kAnswered;
  out.status = static_cast<int>(reply.status());
  out.headers.reserve(static_cast<size_t>(reply.headers_size()));
  for (pb::Header& h : *reply.mutable_headers()) {
    out.headers.push_back(
        http::Header{std::move(*h.mutable_name()), std::move(*h.mutable_value())});
  }
  out.body = std::move(*reply.mutable_body());
  return out;
}

void ReplyToResult(pb::Reply& reply, CallResult* out) {
  if (reply.has_error()) {
    pb::JobError& e = *reply.mutable_error();
    out->end = CallEnd::kJobError;
    out->status = static_cast<int>(e.http_status());
    out->error_type = std::move(*e.mutable_type());
    out->message = std::move(*e.mutable_message());
    out->body.clear();
  } else {
    out->end = CallEnd::kAnswered;
    out->status = 200;
    out->body = std::move(*reply.mutable_result_json());
  }
}

}  // namespace gw::forward
