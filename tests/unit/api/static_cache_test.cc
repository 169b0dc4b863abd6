// Unit tests of StaticCache: what a worker's 200/304 does to the cache, and clients' validators.
#include "api/static_cache.h"

#include <gtest/gtest.h>

namespace gw::api {
namespace {

std::vector<http::Header> Validators(std::string etag) {
  return {{"content-type", "text/plain; charset=utf-8"},
          {"etag", std::move(etag)},
          {"last-modified", "Tue, 01 Oct 2024 10:00:00 GMT"}};
}

TEST(ApiStaticCacheTest, OkFillsAndNotModifiedConfirms) {
  StaticCache cache;
  EXPECT_EQ(cache.Find("/a"), nullptr);
  std::string body = "hello";
  const StaticFile* file = cache.Update("/a", 200, Validators("\"1-5\""), body);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->body, "hello");
  EXPECT_EQ(file->content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(cache.bytes(), 5u);
  std::string empty;
  EXPECT_EQ(cache.Update("/a", 304, Validators("\"1-5\""), empty), cache.Find("/a"));
  std::string edited = "edited!";
  file = cache.Update("/a", 200, Validators("\"2-7\""), edited);
  EXPECT_EQ(file->etag, "\"2-7\"");
  EXPECT_EQ(cache.bytes(), 7u);
  std::string error = R"({"detail":"Not Found"})";
  EXPECT_EQ(cache.Update("/a", 404, {}, error), nullptr);
  EXPECT_EQ(cache.Update("/b", 304, {}, empty), nullptr);  // nothing cached to confirm
}

TEST(ApiStaticCacheTest, FilesWithoutEtagOrTooLargeAreServedNotKept) {
  StaticCache cache;
  std::string body = "x";
  const StaticFile* file = cache.Update("/a", 200, {}, body);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->body, "x");
  EXPECT_EQ(cache.Find("/a"), nullptr);
  std::string big(StaticCache::kMaxCachedFileBytes + 1, 'b');
  ASSERT_NE(cache.Update("/big", 200, Validators("\"9\""), big), nullptr);
  EXPECT_EQ(cache.Find("/big"), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ApiStaticCacheTest, ClientValidators) {
  StaticFile file{"\"1-5\"", "Tue, 01 Oct 2024 10:00:00 GMT", "text/plain", "hello"};
  http::Request request;
  EXPECT_FALSE(StaticCache::ClientIsFresh(request, file));
  request.headers = {{"if-none-match", "\"0\", W/\"1-5\""}};
  EXPECT_TRUE(StaticCache::ClientIsFresh(request, file));
  request.headers = {{"if-none-match", "*"}};
  EXPECT_TRUE(StaticCache::ClientIsFresh(request, file));
  // If-None-Match wins over If-Modified-Since.
  request.headers = {{"if-none-match", "\"0\""},
                     {"if-modified-since", "Tue, 01 Oct 2024 10:00:00 GMT"}};
  EXPECT_FALSE(StaticCache::ClientIsFresh(request, file));
  request.headers = {{"if-modified-since", "Tue, 01 Oct 2024 10:00:00 GMT"}};
  EXPECT_TRUE(StaticCache::ClientIsFresh(request, file));
}

}  // namespace
}  // namespace gw::api
