#include "api/json_error_locator.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace gw::api {
namespace {

using namespace std::literals;

struct MalformedCase {
  std::string_view text;
  size_t offset;  // Python's JSONDecodeError.pos
  std::string_view message;
};

// Every expectation was produced by CPython 3.11: json.loads(text) -> (e.pos, e.msg).
constexpr MalformedCase kMalformed[] = {
    {""sv, 0, "Expecting value"},
    {"   "sv, 3, "Expecting value"},
    {"\t\n"sv, 2, "Expecting value"},
    {"x"sv, 0, "Expecting value"},
    {"{"sv, 1, "Expecting property name enclosed in double quotes"},
    {"["sv, 1, "Expecting value"},
    {R"({"a")"sv, 4, "Expecting ':' delimiter"},
    {R"({"a":)"sv, 5, "Expecting value"},
    {R"({"a" 1})"sv, 5, "Expecting ':' delimiter"},
    {R"({"a":1 "b":2})"sv, 7, "Expecting ',' delimiter"},
    {R"({"a":1,})"sv, 7, "Expecting property name enclosed in double quotes"},
    {"{,}"sv, 1, "Expecting property name enclosed in double quotes"},
    {"{1:2}"sv, 1, "Expecting property name enclosed in double quotes"},
    {"{'a':1}"sv, 1, "Expecting property name enclosed in double quotes"},
    {"[1,]"sv, 3, "Expecting value"},
    {"[1 2]"sv, 3, "Expecting ',' delimiter"},
    {"[,1]"sv, 1, "Expecting value"},
    {"[1,,2]"sv, 3, "Expecting value"},
    {R"({"a":})"sv, 5, "Expecting value"},
    {"{} x"sv, 3, "Extra data"},
    {"{}}"sv, 2, "Extra data"},
    {"[]]"sv, 2, "Extra data"},
    {"1 2"sv, 2, "Extra data"},
    {"01"sv, 1, "Extra data"},
    {"1."sv, 1, "Extra data"},
    {"1.e5"sv, 1, "Extra data"},
    {"1e"sv, 1, "Extra data"},
    {"1e+"sv, 1, "Extra data"},
    {"-"sv, 0, "Expecting value"},
    {"-a"sv, 0, "Expecting value"},
    {"+1"sv, 0, "Expecting value"},
    {".5"sv, 0, "Expecting value"},
    {"nul"sv, 0, "Expecting value"},
    {"tru"sv, 0, "Expecting value"},
    {"fals"sv, 0, "Expecting value"},
    {"True"sv, 0, "Expecting value"},
    {"None"sv, 0, "Expecting value"},
    {R"("abc)"sv, 0, "Unterminated string starting at"},
    {R"("abc\)"sv, 0, "Unterminated string starting at"},
    {"\"a\x01\""sv, 2, "Invalid control character at"},
    {"\"a\tb\""sv, 2, "Invalid control character at"},
    {R"("\q")"sv, 1, "Invalid \\escape"},
    {R"("\x41")"sv, 1, "Invalid \\escape"},
    {R"("\u12")"sv, 2, "Invalid \\uXXXX escape"},
    {R"("\u12x4")"sv, 2, "Invalid \\uXXXX escape"},
    {R"("\u1234)"sv, 2, "Invalid \\uXXXX escape"},
    {R"("\ud800\u12x4")"sv, 8, "Invalid \\uXXXX escape"},
    {R"({"a": [1, {"b": nul}]})"sv, 16, "Expecting value"},
    {"[1]\0"sv, 3, "Extra data"},
    // Offsets count code points, not bytes.
    {"{\"\xC3\xA9\":1 x}"sv, 7, "Expecting ',' delimiter"},
    {"[\"\xF0\x9F\x98\x80\", ]"sv, 6, "Expecting value"},
    {"{\"a\":\"\xE2\x82\xAC\"} \xC3\xA9"sv, 10, "Extra data"},
    {"[\"\xC3\xA9\\q\"]"sv, 3, "Invalid \\escape"},
    // A second byte order mark is not whitespace (the caller strips the first).
    {"\xEF\xBB\xBF{}"sv, 0, "Expecting value"},
};

TEST(JsonErrorLocatorTest, MatchesPythonOnMalformedInput) {
  for (const MalformedCase& c : kMalformed) {
    SCOPED_TRACE(std::string(c.text));
    const JsonScanResult result = LocateJsonError(c.text);
    EXPECT_FALSE(result.valid);
    EXPECT_EQ(result.char_offset, c.offset);
    EXPECT_EQ(result.message, c.message);
  }
}

TEST(JsonErrorLocatorTest, AcceptsValidDocuments) {
  constexpr std::string_view kObjects[] = {
      "{}",
      " \t\r\n{ } \n",
      R"({"a": [1, -0, 2.5e-3, 1E+2, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"], "a": {}})",
      R"({"big": 123456789012345678901234567890, "huge": 1e400})",
      R"({"pair": "\ud83d\ude00", "lone": "\ud800", "low": "\udc00x"})",
      "{\"\xC3\xA9\": \"\xF0\x9F\x98\x80\"}",
  };
  for (std::string_view text : kObjects) {
    SCOPED_TRACE(std::string(text));
    const JsonScanResult result = LocateJsonError(text);
    EXPECT_TRUE(result.valid);
    EXPECT_TRUE(result.top_level_object);
  }
  constexpr std::string_view kOthers[] = {"[]",   "[[], {}]", "\"s\"",
                                          "0",    "-0.5e7",   " null ",
                                          "true", "false",    "123456789012345678901234567890"};
  for (std::string_view text : kOthers) {
    SCOPED_TRACE(std::string(text));
    const JsonScanResult result = LocateJsonError(text);
    EXPECT_TRUE(result.valid);
    EXPECT_FALSE(result.top_level_object);
  }
}

// Python accepts these literals; the gateway does not (simdjson refuses them), and reports them
// where Python would report any other unexpected word.
TEST(JsonErrorLocatorTest, RefusesNanAndInfinity) {
  constexpr MalformedCase kCases[] = {
      {"NaN"sv, 0, "Expecting value"},
      {"Infinity"sv, 0, "Expecting value"},
      {"-Infinity"sv, 0, "Expecting value"},
      {R"({"a": NaN})"sv, 6, "Expecting value"},
      {"[1, -Infinity]"sv, 4, "Expecting value"},
  };
  for (const MalformedCase& c : kCases) {
    SCOPED_TRACE(std::string(c.text));
    const JsonScanResult result = LocateJsonError(c.text);
    EXPECT_FALSE(result.valid);
    EXPECT_EQ(result.char_offset, c.offset);
    EXPECT_EQ(result.message, c.message);
  }
}

std::string Nested(size_t depth, std::string_view inner) {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

// The limit is simdjson's: kJsonMaxDepth - 1 open non-empty containers.
TEST(JsonErrorLocatorTest, DepthLimitMatchesSimdjson) {
  EXPECT_TRUE(LocateJsonError(Nested(kJsonMaxDepth - 1, "1")).valid);
  EXPECT_TRUE(LocateJsonError(Nested(kJsonMaxDepth - 1, "{}")).valid);
  EXPECT_TRUE(LocateJsonError(Nested(kJsonMaxDepth, "")).valid);

  const JsonScanResult too_deep = LocateJsonError(Nested(kJsonMaxDepth, "1"));
  EXPECT_FALSE(too_deep.valid);
  EXPECT_EQ(too_deep.char_offset, kJsonMaxDepth - 1);  // the bracket that went too deep
  EXPECT_EQ(too_deep.message, kJsonDepthMessage);
}

TEST(JsonErrorLocatorTest, EarlierSyntaxErrorWinsOverDepth) {
  const JsonScanResult result = LocateJsonError("[1 2, " + Nested(5000, ""));
  EXPECT_EQ(result.char_offset, 3u);
  EXPECT_EQ(result.message, "Expecting ',' delimiter");
}

TEST(JsonErrorLocatorTest, CustomDepthLimit) {
  EXPECT_TRUE(LocateJsonError(R"({"a":[1]})", 3).valid);
  const JsonScanResult result = LocateJsonError(R"({"a":[{"b":1}]})", 3);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.char_offset, 6u);
  EXPECT_EQ(result.message, kJsonDepthMessage);
}

TEST(JsonErrorLocatorTest, HostileNestingDoesNotExhaustTheStack) {
  const std::string arrays(1'000'000, '[');
  EXPECT_EQ(LocateJsonError(arrays).message, kJsonDepthMessage);

  std::string objects;
  for (int i = 0; i < 200'000; ++i) objects += R"({"a":)";
  EXPECT_EQ(LocateJsonError(objects).message, kJsonDepthMessage);

  const JsonScanResult unlimited = LocateJsonError(arrays, arrays.size() + 2);
  EXPECT_FALSE(unlimited.valid);
  EXPECT_EQ(unlimited.char_offset, arrays.size());
  EXPECT_EQ(unlimited.message, "Expecting value");
}

}  // namespace
}  // namespace gw::api
