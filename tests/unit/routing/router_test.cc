// Unit tests of Router: prefix stripping, the bare-prefix redirect, method checks and the Allow
// value of 405 answers. Pure lookups, no loop.
#include "routing/router.h"

#include <gtest/gtest.h>

#include <string_view>

namespace gw::routing {
namespace {

using http::Method;

TEST(RoutingRouterTest, UnprefixedRoutes) {
  Router router;
  const struct {
    Method method;
    std::string_view path;
    RouteId id;
  } cases[] = {
      {Method::kGet, "/live", RouteId::kLive},
      {Method::kGet, "/ready", RouteId::kReady},
      {Method::kGet, "/health", RouteId::kHealth},
      {Method::kGet, "/", RouteId::kRoot},
      {Method::kPost, "/api/v1/perform", RouteId::kPerform},
  };
  for (const auto& c : cases) {
    RouteMatch match = router.Match(c.method, c.path);
    EXPECT_EQ(match.id, c.id) << c.path;
    EXPECT_TRUE(match.method_allowed) << c.path;
    EXPECT_EQ(match.prefix, "") << c.path;
    EXPECT_EQ(match.rest, c.path);
  }
}

TEST(RoutingRouterTest, JobPrefixIsStripped) {
  Router router;
  RouteMatch match = router.Match(Method::kGet, "/pub/job/n/v/live");
  EXPECT_EQ(match.id, RouteId::kLive);
  EXPECT_TRUE(match.method_allowed);
  EXPECT_EQ(match.prefix, "/pub/job/n/v");
  EXPECT_EQ(match.rest, "/live");
}

TEST(RoutingRouterTest, FatmanPrefixIsStripped) {
  Router router;
  RouteMatch match = router.Match(Method::kPost, "/pub/fatman/adder/1.2.3/api/v1/perform");
  EXPECT_EQ(match.id, RouteId::kPerform);
  EXPECT_TRUE(match.method_allowed);
  EXPECT_EQ(match.prefix, "/pub/fatman/adder/1.2.3");
  EXPECT_EQ(match.rest, "/api/v1/perform");
}

TEST(RoutingRouterTest, AnyNameAndVersionMatch) {
  Router router;
  EXPECT_EQ(router.Match(Method::kGet, "/pub/job/othername/9.9.9/ready").id, RouteId::kReady);
  EXPECT_EQ(router.Match(Method::kGet, "/pub/job/x/latest/health").id, RouteId::kHealth);
}

TEST(RoutingRouterTest, PrefixWithTrailingSlashIsTheRoot) {
  Router router;
  RouteMatch match = router.Match(Method::kGet, "/pub/job/n/v/");
  EXPECT_EQ(match.id, RouteId::kRoot);
  EXPECT_EQ(match.prefix, "/pub/job/n/v");
  EXPECT_EQ(match.rest, "/");
}

TEST(RoutingRouterTest, BarePrefixRedirectsGetAndHead) {
  Router router;
  for (std::string_view path : {"/pub/job/n/v", "/pub/fatman/n/v"}) {
    for (Method method : {Method::kGet, Method::kHead}) {
      RouteMatch match = router.Match(method, path);
      EXPECT_EQ(match.id, RouteId::kPrefixRedirect) << path;
      EXPECT_TRUE(match.method_allowed) << path;
      EXPECT_EQ(match.prefix, path);
    }
  }
}

TEST(RoutingRouterTest, BarePrefixWithOtherMethodsIsNotFound) {
  Router router;
  for (Method method : {Method::kPost, Method::kPut, Method::kDelete, Method::kOptions}) {
    RouteMatch match = router.Match(method, "/pub/job/n/v");
    EXPECT_EQ(match.id, RouteId::kNotFound);
    EXPECT_FALSE(match.method_allowed);
  }
}

TEST(RoutingRouterTest, TooFewOrEmptySegmentsAreNotFound) {
  Router router;
  for (std::string_view path :
       {"/pub/job/primer", "/pub/job/primer/", "/pub/job/", "/pub/job", "/pub/job//v",
        "/pub/job//v/live", "/pub/job/n//live", "/pub/fatman/n", "/pub/fatman//v/live",
        "/pub/jobs/n/v/live", "/pub/live"}) {
    EXPECT_EQ(router.Match(Method::kGet, path).id, RouteId::kNotFound) << path;
  }
}

TEST(RoutingRouterTest, PrefixLength) {
  bool exact = false;
  EXPECT_EQ(Router::PrefixLength("/pub/job/n/v/live", &exact), 12u);
  EXPECT_FALSE(exact);
  EXPECT_EQ(Router::PrefixLength("/pub/fatman/n/v", &exact), 15u);
  EXPECT_TRUE(exact);
  EXPECT_EQ(Router::PrefixLength("/live", &exact), 0u);
  EXPECT_EQ(Router::PrefixLength("/pub/job/n", &exact), 0u);
  EXPECT_EQ(Router::PrefixLength("/pub/job//v", &exact), 0u);
}

TEST(RoutingRouterTest, WrongMethodOnGetRouteAllowsGetAndHead) {
  Router router;
  RouteMatch match = router.Match(Method::kPost, "/live");
  EXPECT_EQ(match.id, RouteId::kLive);
  EXPECT_FALSE(match.method_allowed);
  EXPECT_EQ(match.allow, "GET, HEAD");
}

TEST(RoutingRouterTest, WrongMethodOnPostRouteAllowsPost) {
  Router router;
  for (Method method : {Method::kGet, Method::kHead, Method::kPut, Method::kOptions}) {
    RouteMatch match = router.Match(method, "/pub/job/n/v/api/v1/perform");
    EXPECT_EQ(match.id, RouteId::kPerform);
    EXPECT_FALSE(match.method_allowed);
    EXPECT_EQ(match.allow, "POST");
  }
}

TEST(RoutingRouterTest, HeadIsAllowedOnGetRoutes) {
  Router router;
  for (std::string_view path : {"/live", "/ready", "/health", "/", "/pub/job/n/v/live"}) {
    RouteMatch match = router.Match(Method::kHead, path);
    EXPECT_NE(match.id, RouteId::kNotFound) << path;
    EXPECT_TRUE(match.method_allowed) << path;
  }
}

TEST(RoutingRouterTest, UnknownPathsAreNotFound) {
  Router router;
  for (std::string_view path :
       {"/nope", "/live/", "/livex", "/api/v1/perform/", "/api/v1", "/pub/job/n/v/nope", ""}) {
    RouteMatch match = router.Match(Method::kGet, path);
    EXPECT_EQ(match.id, RouteId::kNotFound) << path;
    EXPECT_FALSE(match.method_allowed) << path;
    EXPECT_EQ(match.allow, "") << path;
  }
}

TEST(RoutingRouterTest, AddedRoutesMatchUnderPrefixes) {
  Router router;
  router.Add("/api/v1/explain", kGet, RouteId::kHealth);
  RouteMatch match = router.Match(Method::kGet, "/pub/job/n/v/api/v1/explain");
  EXPECT_EQ(match.id, RouteId::kHealth);
  EXPECT_TRUE(match.method_allowed);
}

TEST(RoutingRouterTest, MetricsIsAPrefixRouteForAnyMethod) {
  Router router;
  for (std::string_view path :
       {"/metrics", "/metrics/", "/metrics/foo", "/pub/job/n/v/metrics/x"}) {
    for (Method method : {Method::kGet, Method::kPost, Method::kHead, Method::kOther}) {
      RouteMatch match = router.Match(method, path);
      EXPECT_EQ(match.id, RouteId::kMetrics) << path;
      EXPECT_TRUE(match.method_allowed) << path;
    }
  }
  EXPECT_EQ(router.Match(Method::kGet, "/metricsfoo").id, RouteId::kNotFound);
}

}  // namespace
}  // namespace gw::routing
