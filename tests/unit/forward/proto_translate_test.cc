// Unit tests of forward/proto_translate: the worker contract's messages to and from the
// gateway's own types (pure functions).
#include "forward/proto_translate.h"

#include <gtest/gtest.h>

namespace gw::forward {
namespace {

TEST(ProtoTranslateTest, DescriptionKeepsEveryFieldAndThePerformExample) {
  pb::JobDescription d;
  d.set_state(pb::WORKER_STATE_READY);
  d.set_class_name("Primer");
  d.set_parameters_json(R"([{"a":1}])");
  d.set_max_concurrency(4);
  d.set_sdk("cpp/0.1.0");
  pb::Endpoint* perform = d.add_endpoints();
  perform->set_path("/perform");
  perform->add_methods("POST");
  perform->set_kind(pb::ENDPOINT_KIND_PERFORM);
  perform->set_summary("Check a number");
  perform->set_description("Says whether n is prime.");
  perform->set_input_example_json(R"({"n":7})");
  pb::Endpoint* aux = d.add_endpoints();
  aux->set_path("/items/{item_id}");
  aux->add_methods("GET");
  aux->add_methods("DELETE");
  aux->set_kind(pb::ENDPOINT_KIND_AUXILIARY);
  aux->set_openapi_operation_json(R"({"parameters":[]})");
  aux->set_path_template(true);
  pb::Endpoint* page = d.add_endpoints();
  page->set_path("/index.html");
  page->set_kind(pb::ENDPOINT_KIND_STATIC);
  page->set_mimetype("text/html");
  d.add_endpoints()->set_path("/webview");
  d.mutable_endpoints(3)->set_kind(pb::ENDPOINT_KIND_WEBVIEW);
  d.add_endpoints()->set_path("/odd");  // no kind

  JobDescription out = DescriptionFromProto(d);
  EXPECT_EQ(out.class_name, "Primer");
  EXPECT_EQ(out.parameters_json, R"([{"a":1}])");
  EXPECT_EQ(out.max_concurrency, 4u);
  EXPECT_EQ(out.sdk, "cpp/0.1.0");
  EXPECT_EQ(out.perform_example_json, R"({"n":7})");
  ASSERT_EQ(out.endpoints.size(), 5u);

  const EndpointDescription& p = out.endpoints[0];
  EXPECT_EQ(p.path, "/perform");
  EXPECT_EQ(p.methods, std::vector<std::string>{"POST"});
  EXPECT_EQ(p.kind, EndpointDescription::Kind::kPerform);
  EXPECT_EQ(p.summary, "Check a number");
  EXPECT_EQ(p.description, "Says whether n is prime.");
  EXPECT_EQ(p.input_example_json, R"({"n":7})");
  EXPECT_FALSE(p.path_template);

  const EndpointDescription& a = out.endpoints[1];
  EXPECT_EQ(a.kind, EndpointDescription::Kind::kAuxiliary);
  EXPECT_EQ(a.methods, (std::vector<std::string>{"GET", "DELETE"}));
  EXPECT_FALSE(a.input_example_json.has_value());
  EXPECT_EQ(a.openapi_operation_json, R"({"parameters":[]})");
  EXPECT_TRUE(a.path_template);

  EXPECT_EQ(out.endpoints[2].kind, EndpointDescription::Kind::kStatic);
  EXPECT_EQ(out.endpoints[2].mimetype, "text/html");
  EXPECT_EQ(out.endpoints[3].kind, EndpointDescription::Kind::kWebview);
  EXPECT_EQ(out.endpoints[4].kind, EndpointDescription::Kind::kUnspecified);
}

TEST(ProtoTranslateTest, DescriptionWithoutParametersOrExample) {
  pb::JobDescription d;
  pb::Endpoint* perform = d.add_endpoints();
  perform->set_path("/perform");
  perform->set_kind(pb::ENDPOINT_KIND_PERFORM);
  // An example on a non-perform endpoint is not the perform example.
  pb::Endpoint* aux = d.add_endpoints();
  aux->set_kind(pb::ENDPOINT_KIND_AUXILIARY);
  aux->set_input_example_json("{}");

  JobDescription out = DescriptionFromProto(d);
  EXPECT_EQ(out.parameters_json, "[]");
  EXPECT_FALSE(out.perform_example_json.has_value());
  EXPECT_EQ(out.endpoints[1].input_example_json, "{}");
}

TEST(ProtoTranslateTest, GaugesKeepOrderAndSortTheirLabels) {
  pb::MetricsReply reply;
  pb::JobMetric* a = reply.add_metrics();
  a->set_name("b_metric");
  a->set_value(2.5);
  a->set_description("second letter");
  (*a->mutable_labels())["z"] = "1";
  (*a->mutable_labels())["m"] = "2";
  (*a->mutable_labels())["a"] = "3";
  reply.add_metrics()->set_name("a_metric");

  auto gauges = GaugesFromProto(reply);
  ASSERT_EQ(gauges.size(), 2u);
  EXPECT_EQ(gauges[0].name, "b_metric");
  EXPECT_EQ(gauges[0].value, 2.5);
  EXPECT_EQ(gauges[0].description, "second letter");
  using Labels = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(gauges[0].labels, (Labels{{"a", "3"}, {"m", "2"}, {"z", "1"}}));
  EXPECT_EQ(gauges[1].name, "a_metric");
  EXPECT_EQ(gauges[1].value, 0);
  EXPECT_TRUE(gauges[1].labels.empty());
  pb::MetricsReply empty;
  EXPECT_TRUE(GaugesFromProto(empty).empty());
}

TEST(ProtoTranslateTest, HttpCallToProtoMovesEveryField) {
  HttpCall call;
  call.endpoint = "/webview";
  call.method = "PUT";
  call.path = "/api/v1/webview/form";
  call.query = "x=1";
  call.headers = {{"cookie", "a=b"}, {"content-type", "text/plain"}};
  call.body = std::string("bin\0ary", 7);
  call.base_url = "/pub/job/primer/0.0.1";
  call.root_path = "/pub/fatman/primer/0.0.1";

  pb::HttpRequest out;
  HttpCallToProto(call, &out);
  EXPECT_EQ(out.endpoint(), "/webview");
  EXPECT_EQ(out.method(), "PUT");
  EXPECT_EQ(out.path(), "/api/v1/webview/form");
  EXPECT_EQ(out.query(), "x=1");
  ASSERT_EQ(out.headers_size(), 2);
  EXPECT_EQ(out.headers(0).name(), "cookie");
  EXPECT_EQ(out.headers(0).value(), "a=b");
  EXPECT_EQ(out.headers(1).name(), "content-type");
  EXPECT_EQ(out.body(), std::string("bin\0ary", 7));
  EXPECT_EQ(out.base_url(), "/pub/job/primer/0.0.1");
  EXPECT_EQ(out.root_path(), "/pub/fatman/primer/0.0.1");
}

TEST(ProtoTranslateTest, HttpResultOfAnAnswer) {
  pb::HttpResponse reply;
  reply.set_status(404);
  pb::Header* h = reply.add_headers();
  h->set_name("set-cookie");
  h->set_value("a=1");
  h = reply.add_headers();
  h->set_name("set-cookie");
  h->set_value("b=2");
  reply.set_body("not here");

  CallResult out = HttpResultFromProto(grpc::Status::OK, reply);
  EXPECT_EQ(out.end, CallEnd::kAnswered);
  EXPECT_EQ(out.status, 404);
  EXPECT_EQ(out.body, "not here");
  ASSERT_EQ(out.headers.size(), 2u);  // repeated headers are kept
  EXPECT_EQ(out.headers[0].value, "a=1");
  EXPECT_EQ(out.headers[1].value, "b=2");
}

TEST(ProtoTranslateTest, HttpResultOfAFailedRpc) {
  pb::HttpResponse reply;
  CallResult late =
      HttpResultFromProto(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "too slow"), reply);
  EXPECT_EQ(late.end, CallEnd::kTimeout);
  EXPECT_NE(late.message.find("too slow"), std::string::npos);

  for (auto code : {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::INTERNAL,
                    grpc::StatusCode::CANCELLED, grpc::StatusCode::UNIMPLEMENTED}) {
    CallResult lost = HttpResultFromProto(grpc::Status(code, "why"), reply);
    EXPECT_EQ(lost.end, CallEnd::kWorkerLost) << code;
    EXPECT_EQ(lost.message, "the worker failed to answer: why");
  }
}

TEST(ProtoTranslateTest, ReplyToResultOfAResultAndOfAnError) {
  pb::Reply ok;
  ok.set_id(1);
  ok.set_result_json(R"({"prime":true})");
  CallResult out;
  out.body = "stale";
  out.error_type = "Old";
  ReplyToResult(ok, &out);
  EXPECT_EQ(out.end, CallEnd::kAnswered);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, R"({"prime":true})");

  pb::Reply failed;
  failed.set_id(2);
  failed.mutable_error()->set_http_status(409);
  failed.mutable_error()->set_type("ConflictError");
  failed.mutable_error()->set_message("busy");
  ReplyToResult(failed, &out);  // the result object is reused from call to call
  EXPECT_EQ(out.end, CallEnd::kJobError);
  EXPECT_EQ(out.status, 409);
  EXPECT_EQ(out.error_type, "ConflictError");
  EXPECT_EQ(out.message, "busy");
  EXPECT_TRUE(out.body.empty());

  ReplyToResult(ok, &out);
  EXPECT_EQ(out.end, CallEnd::kAnswered);
  EXPECT_EQ(out.status, 200);
}

}  // namespace
}  // namespace gw::forward
