// Unit tests of the trailing-slash redirect (spec §5.4): the toggled path is offered only if it
// has a route (for any method); prefixes are kept; /metrics and the webview base are exempt.
#include "routing/slash_redirect.h"

#include <gtest/gtest.h>

namespace gw::routing {
namespace {

TEST(RoutingSlashRedirectTest, TogglesWhenTheOtherPathHasARoute) {
  Router router;
  EXPECT_EQ(SlashRedirectPath(router, http::Method::kGet, "/live/"), "/live");
  EXPECT_EQ(SlashRedirectPath(router, http::Method::kGet, "/pub/job/primer/0.0.1/live/"),
            "/pub/job/primer/0.0.1/live");
  EXPECT_EQ(SlashRedirectPath(router, http::Method::kPost, "/api/v1/perform/"), "/api/v1/perform");
  // Any method: the route exists even if the method is wrong for it.
  EXPECT_EQ(SlashRedirectPath(router, http::Method::kDelete, "/api/v1/perform/"),
            "/api/v1/perform");
}

TEST(RoutingSlashRedirectTest, NothingWithoutARoute) {
  Router router;
  EXPECT_FALSE(SlashRedirectPath(router, http::Method::kGet, "/nope/"));
  EXPECT_FALSE(SlashRedirectPath(router, http::Method::kGet, "/nope"));
  EXPECT_FALSE(SlashRedirectPath(router, http::Method::kGet, "/"));
  // POST on the bare prefix is a plain 404 in the original (the root mount has no such route).
  EXPECT_FALSE(SlashRedirectPath(router, http::Method::kPost, "/pub/job/x/y"));
}

TEST(RoutingSlashRedirectTest, ExemptPaths) {
  Router router;
  EXPECT_FALSE(SlashRedirectPath(router, http::Method::kGet, "/api/v1/webview"));
  EXPECT_FALSE(SlashRedirectPath(router, http::Method::kGet, "/pub/job/n/v/metrics"));
}

TEST(RoutingSlashRedirectTest, AbsoluteLocation) {
  EXPECT_EQ(AbsoluteLocation("127.0.0.1:7000", "/live", ""), "http://127.0.0.1:7000/live");
  EXPECT_EQ(AbsoluteLocation("h", "/api/v1/perform", "a=1&b"), "http://h/api/v1/perform?a=1&b");
}

}  // namespace
}  // namespace gw::routing
