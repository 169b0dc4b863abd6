// Unit tests of the hand-written JSON helpers: string escaping and the gateway's error body.
#include "api/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace gw::api {
namespace {

std::string Quoted(std::string_view value) {
  std::string out;
  AppendJsonString(&out, value);
  return out;
}

TEST(ApiJsonTextTest, PlainTextIsQuoted) {
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("hello world"), "\"hello world\"");
}

TEST(ApiJsonTextTest, AppendsToExistingText) {
  std::string out = "x=";
  AppendJsonString(&out, "y");
  EXPECT_EQ(out, "x=\"y\"");
}

TEST(ApiJsonTextTest, EscapesQuoteAndBackslash) { EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")"); }

TEST(ApiJsonTextTest, EscapesNamedControlCharacters) {
  EXPECT_EQ(Quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
}

TEST(ApiJsonTextTest, EscapesOtherControlCharactersAsUnicode) {
  EXPECT_EQ(Quoted(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
}

TEST(ApiJsonTextTest, KeepsSlashDeleteAndUtf8Raw) {
  // Like Python's json.dumps(ensure_ascii=False): non-ASCII stays raw UTF-8, '/' and DEL too.
  EXPECT_EQ(Quoted("a/b\x7f"), "\"a/b\x7f\"");
  EXPECT_EQ(Quoted("zażółć ✓"), "\"zażółć ✓\"");
}

TEST(ApiJsonTextTest, ErrorBody) {
  EXPECT_EQ(ErrorBody("no such thing", "NotFound"),
            R"({"error":"no such thing","type":"NotFound"})");
}

TEST(ApiJsonTextTest, ErrorBodyEscapesBothFields) {
  EXPECT_EQ(ErrorBody("bad \"x\"\n", "T\\"), R"({"error":"bad \"x\"\n","type":"T\\"})");
}

}  // namespace
}  // namespace gw::api
