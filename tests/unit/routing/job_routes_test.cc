// Unit tests of JobRoutes: the job's routes built from Describe (aux v1 and v2, static files,
// webview), their transport, and how the Router consults them after its built-in table.
#include "routing/job_routes.h"

#include <gtest/gtest.h>

#include "routing/router.h"

namespace gw::routing {
namespace {

using forward::EndpointDescription;
using http::Method;
using Kind = EndpointDescription::Kind;

EndpointDescription Described(std::string path, Kind kind, std::vector<std::string> methods) {
  EndpointDescription d;
  d.path = std::move(path);
  d.kind = kind;
  d.methods = std::move(methods);
  return d;
}

JobRoutes Sample() {
  std::vector<EndpointDescription> described;
  described.push_back(Described("/perform", Kind::kPerform, {"POST"}));
  auto explain = Described("/explain", Kind::kAuxiliary, {"POST"});
  explain.input_example_json = R"({"x":1})";
  described.push_back(explain);
  auto multiply = Described("/multiply/{path}", Kind::kAuxiliary, {"POST"});
  multiply.path_template = true;
  multiply.openapi_operation_json = "{}";
  described.push_back(multiply);
  auto random = Described("/random", Kind::kAuxiliary, {"GET"});
  random.openapi_operation_json = "{}";
  described.push_back(random);
  auto xrai = Described("/xrai", Kind::kStatic, {"GET"});
  xrai.mimetype = "application/x-yaml";
  described.push_back(xrai);
  described.push_back(Described("/webview", Kind::kWebview, {}));
  JobRoutes routes;
  routes.Set(JobEndpointsFrom(described));
  return routes;
}

TEST(RoutingJobRoutesTest, PerformIsNotAJobRoute) {
  JobRoutes routes = Sample();
  EXPECT_EQ(routes.endpoints().size(), 5u);
  EXPECT_EQ(routes.Match(Method::kPost, "/api/v1/perform").endpoint, nullptr);
}

TEST(RoutingJobRoutesTest, AuxV1IsAJsonCallOnPostOnly) {
  JobRoutes routes = Sample();
  JobRouteMatch match = routes.Match(Method::kPost, "/api/v1/explain");
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_TRUE(match.method_allowed);
  EXPECT_EQ(match.endpoint->path, "/explain");
  EXPECT_EQ(match.endpoint->transport, Transport::kJsonCall);
  EXPECT_EQ(match.endpoint->input_example_json, R"({"x":1})");
  match = routes.Match(Method::kGet, "/api/v1/explain");
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_FALSE(match.method_allowed);
  EXPECT_EQ(match.endpoint->allow, "POST");
  EXPECT_EQ(routes.Match(Method::kPost, "/explain").endpoint, nullptr);
  EXPECT_EQ(routes.Match(Method::kPost, "/api/v1/explain/x").endpoint, nullptr);
}

TEST(RoutingJobRoutesTest, AuxV2TemplatesAndQueriesUseHttp) {
  JobRoutes routes = Sample();
  JobRouteMatch match = routes.Match(Method::kPost, "/api/v1/multiply/3");
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_EQ(match.endpoint->path, "/multiply/{path}");
  EXPECT_EQ(match.endpoint->transport, Transport::kHttp);
  EXPECT_EQ(routes.Match(Method::kPost, "/api/v1/multiply/").endpoint, nullptr);
  EXPECT_EQ(routes.Match(Method::kPost, "/api/v1/multiply/3/4").endpoint, nullptr);
  match = routes.Match(Method::kHead, "/api/v1/random");
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_TRUE(match.method_allowed);  // HEAD wherever GET is
  EXPECT_EQ(match.endpoint->allow, "GET, HEAD");
  EXPECT_EQ(match.endpoint->transport, Transport::kHttp);
}

TEST(RoutingJobRoutesTest, StaticAndWebview) {
  JobRoutes routes = Sample();
  JobRouteMatch match = routes.Match(Method::kGet, "/api/v1/xrai");
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_EQ(match.endpoint->kind, EndpointKind::kStatic);
  EXPECT_EQ(match.endpoint->mimetype, "application/x-yaml");
  for (std::string_view path :
       {"/api/v1/webview", "/api/v1/webview/", "/api/v1/webview/static/style.css"}) {
    match = routes.Match(Method::kPost, path);
    ASSERT_NE(match.endpoint, nullptr) << path;
    EXPECT_EQ(match.endpoint->kind, EndpointKind::kWebview) << path;
    EXPECT_TRUE(match.method_allowed) << path;
  }
  EXPECT_EQ(routes.Match(Method::kGet, "/api/v1/webviewer").endpoint, nullptr);
}

TEST(RoutingJobRoutesTest, TemplateMatching) {
  EXPECT_TRUE(MatchesTemplate("/a/{x}/b", "/a/1/b"));
  EXPECT_TRUE(MatchesTemplate("/a/{x:int}", "/a/7"));
  EXPECT_FALSE(MatchesTemplate("/a/{x}/b", "/a/1/c"));
  EXPECT_FALSE(MatchesTemplate("/a/{x}", "/a"));
  EXPECT_FALSE(MatchesTemplate("/a/{x}", "/a//"));
  EXPECT_TRUE(MatchesTemplate("/a", "/a"));
}

TEST(RoutingJobRoutesTest, RouterConsultsJobRoutesAfterBuiltIns) {
  JobRoutes routes = Sample();
  Router router;
  EXPECT_EQ(router.Match(Method::kPost, "/api/v1/explain").id, RouteId::kNotFound);
  router.SetJobRoutes(&routes);
  RouteMatch match = router.Match(Method::kPost, "/pub/job/n/v/api/v1/explain");
  EXPECT_EQ(match.id, RouteId::kJobEndpoint);
  EXPECT_TRUE(match.method_allowed);
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_EQ(match.endpoint->path, "/explain");
  match = router.Match(Method::kGet, "/api/v1/explain");
  EXPECT_EQ(match.id, RouteId::kJobEndpoint);
  EXPECT_FALSE(match.method_allowed);
  EXPECT_EQ(match.allow, "POST");
  // A job endpoint named like a built-in never receives requests (spec §9.1).
  std::vector<EndpointDescription> shadow = {Described("/perform", Kind::kAuxiliary, {"POST"})};
  JobRoutes shadowing;
  shadowing.Set(JobEndpointsFrom(shadow));
  router.SetJobRoutes(&shadowing);
  EXPECT_EQ(router.Match(Method::kPost, "/api/v1/perform").id, RouteId::kPerform);
}

}  // namespace
}  // namespace gw::routing
