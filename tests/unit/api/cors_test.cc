// Unit tests of CORS (spec §5.6): what a preflight is, its headers in order, and the two headers
// of a simple request with Origin.
#include "api/cors.h"

#include <gtest/gtest.h>

namespace gw::api {
namespace {

http::Request MakeRequest(http::Method method, std::vector<http::Header> headers) {
  http::Request request;
  request.method = method;
  request.method_name = http::MethodName(method);
  request.target = "/api/v1/perform";
  request.headers = std::move(headers);
  return request;
}

TEST(ApiCorsTest, PreflightNeedsOptionsOriginAndRequestMethod) {
  EXPECT_TRUE(IsPreflight(
      MakeRequest(http::Method::kOptions,
                  {{"origin", "http://a"}, {"access-control-request-method", "POST"}})));
  EXPECT_FALSE(IsPreflight(MakeRequest(http::Method::kOptions, {{"origin", "http://a"}})));
  EXPECT_FALSE(IsPreflight(
      MakeRequest(http::Method::kOptions, {{"access-control-request-method", "POST"}})));
  EXPECT_FALSE(IsPreflight(MakeRequest(
      http::Method::kPost, {{"origin", "http://a"}, {"access-control-request-method", "POST"}})));
}

TEST(ApiCorsTest, PreflightHeaders) {
  auto headers = PreflightHeaders(
      MakeRequest(http::Method::kOptions, {{"origin", "http://a"},
                                           {"access-control-request-method", "POST"},
                                           {"access-control-request-headers", "x-y, z"}}));
  std::vector<std::pair<std::string, std::string>> got;
  for (auto& h : headers) got.emplace_back(h.name, h.value);
  std::vector<std::pair<std::string, std::string>> want = {
      {"vary", "Origin"},
      {"access-control-allow-methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"},
      {"access-control-max-age", "600"},
      {"access-control-allow-credentials", "true"},
      {"access-control-allow-origin", "http://a"},
      {"access-control-allow-headers", "x-y, z"}};
  EXPECT_EQ(got, want);
}

TEST(ApiCorsTest, SimpleRequestHeadersOnlyWithOrigin) {
  std::vector<http::Header> headers;
  AppendSimpleCorsHeaders(MakeRequest(http::Method::kGet, {}), &headers);
  EXPECT_TRUE(headers.empty());
  AppendSimpleCorsHeaders(MakeRequest(http::Method::kGet, {{"origin", "http://a"}}), &headers);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].name, "access-control-allow-origin");
  EXPECT_EQ(headers[0].value, "*");
  EXPECT_EQ(headers[1].name, "access-control-allow-credentials");
  EXPECT_EQ(headers[1].value, "true");
}

}  // namespace
}  // namespace gw::api
