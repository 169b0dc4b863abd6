// Unit tests of Request's accessors and MethodName.
#include "http/request.h"

#include <gtest/gtest.h>

namespace gw::http {
namespace {

Request WithTarget(std::string target) {
  Request request;
  request.target = std::move(target);
  return request;
}

TEST(HttpRequestTest, PathAndQuerySplitAtFirstQuestionMark) {
  Request request = WithTarget("/pub/job/adder/1.0/api/v1/perform?x=1&y=a?b");
  EXPECT_EQ(request.Path(), "/pub/job/adder/1.0/api/v1/perform");
  EXPECT_EQ(request.Query(), "x=1&y=a?b");
}

TEST(HttpRequestTest, NoQuery) {
  Request request = WithTarget("/live");
  EXPECT_EQ(request.Path(), "/live");
  EXPECT_EQ(request.Query(), "");
}

TEST(HttpRequestTest, EmptyQuery) {
  Request request = WithTarget("/a?");
  EXPECT_EQ(request.Path(), "/a");
  EXPECT_EQ(request.Query(), "");
}

TEST(HttpRequestTest, QueryOnly) {
  Request request = WithTarget("?x=1");
  EXPECT_EQ(request.Path(), "");
  EXPECT_EQ(request.Query(), "x=1");
}

TEST(HttpRequestTest, FindHeaderReturnsFirstMatch) {
  Request request;
  request.headers = {{"host", "a"}, {"x-caller-name", "me"}, {"host", "b"}};
  ASSERT_NE(request.FindHeader("host"), nullptr);
  EXPECT_EQ(*request.FindHeader("host"), "a");
  ASSERT_NE(request.FindHeader("x-caller-name"), nullptr);
  EXPECT_EQ(*request.FindHeader("x-caller-name"), "me");
  EXPECT_EQ(request.FindHeader("missing"), nullptr);
  EXPECT_EQ(request.FindHeader("hos"), nullptr);
}

TEST(HttpRequestTest, MethodNames) {
  EXPECT_EQ(MethodName(Method::kGet), "GET");
  EXPECT_EQ(MethodName(Method::kHead), "HEAD");
  EXPECT_EQ(MethodName(Method::kPost), "POST");
  EXPECT_EQ(MethodName(Method::kPut), "PUT");
  EXPECT_EQ(MethodName(Method::kDelete), "DELETE");
  EXPECT_EQ(MethodName(Method::kPatch), "PATCH");
  EXPECT_EQ(MethodName(Method::kOptions), "OPTIONS");
  EXPECT_EQ(MethodName(Method::kOther), "OTHER");
}

}  // namespace
}  // namespace gw::http
