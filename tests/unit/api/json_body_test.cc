#include "api/json_body.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "api/json_error_locator.h"

namespace gw::api {
namespace {

using namespace std::literals;

std::string DictTypeBody(std::string_view input_json) {
  return R"({"detail":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary","input":)" +
         std::string(input_json) + R"(,"url":"https://errors.pydantic.dev/2.6/v/dict_type"}]})";
}

// `message_json` is the message as a JSON string literal, quotes included.
std::string JsonInvalidBody(size_t offset, std::string_view message_json) {
  return R"({"detail":[{"type":"json_invalid","loc":["body",)" + std::to_string(offset) +
         R"(],"msg":"JSON decode error","input":{},"ctx":{"error":)" + std::string(message_json) +
         "}}]}";
}

class JsonBodyTest : public ::testing::Test {
 protected:
  BodyCheck Check(std::string body, const std::string* content_type = nullptr) {
    return checker_.Check(content_type, body);
  }
  BodyCheck CheckAs(std::string content_type, std::string body) {
    return checker_.Check(&content_type, body);
  }
  void ExpectUnprocessable(const BodyCheck& check, const std::string& error_body) {
    EXPECT_EQ(check.verdict, BodyVerdict::kInvalid);
    EXPECT_EQ(check.status, 422);
    EXPECT_EQ(check.error_body, error_body);
  }

  JsonBodyChecker checker_;
};

TEST_F(JsonBodyTest, EmptyBodyUsesTheExampleWhateverTheContentType) {
  EXPECT_EQ(Check("").verdict, BodyVerdict::kUseExample);
  EXPECT_EQ(CheckAs("text/plain", "").verdict, BodyVerdict::kUseExample);
}

TEST_F(JsonBodyTest, NullUsesTheExample) {
  for (std::string body : {"null", "  null\r\n", "\tnull ", "\xEF\xBB\xBFnull"}) {
    SCOPED_TRACE(body);
    const BodyCheck check = Check(body);
    EXPECT_EQ(check.verdict, BodyVerdict::kUseExample);
    EXPECT_TRUE(check.error_body.empty());
  }
  EXPECT_EQ(CheckAs("application/json", "null").verdict, BodyVerdict::kUseExample);
}

TEST_F(JsonBodyTest, ObjectIsForwardedUnchanged) {
  std::string body = R"( {"number": 7907, "a": {"b": [1, 2.5, "x"]}, "number": 1} )";
  const std::string original = body;
  const BodyCheck check = checker_.Check(nullptr, body);
  EXPECT_EQ(check.verdict, BodyVerdict::kObject);
  EXPECT_EQ(check.status, 0);
  EXPECT_TRUE(check.error_body.empty());
  EXPECT_EQ(body, original);
}

TEST_F(JsonBodyTest, JsonContentTypesAreParsed) {
  for (std::string type :
       {"", "application/json", "APPLICATION/JSON", "Application/Json",
        "application/json; charset=utf-8", "application/json;charset=UTF-8", " application/json ",
        "application/vnd.api+json", "application/merge-patch+JSON ; q=1", "application/+json"}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(IsJsonContentType(type));
    EXPECT_EQ(CheckAs(type, R"({"a":1})").verdict, BodyVerdict::kObject);
  }
}

// Under a non-JSON type every non-empty body is refused as the original refuses it (the raw text
// as the input), a JSON object included: those are the types a browser sends cross-site without a
// preflight, so accepting an object would let any web page start a job.
TEST_F(JsonBodyTest, OtherContentTypesRefuseEveryBodyAsDictType) {
  for (std::string type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/json", "application/jsonx", "application/json+x", "application/json/x", "json",
        "application", "application/ json", "application /json", "app/json"}) {
    SCOPED_TRACE(type);
    EXPECT_FALSE(IsJsonContentType(type));
    ExpectUnprocessable(CheckAs(type, R"({"a":1})"), DictTypeBody(R"("{\"a\":1}")"));
    ExpectUnprocessable(CheckAs(type, R"([1, 2])"), DictTypeBody(R"("[1, 2]")"));
    ExpectUnprocessable(CheckAs(type, "number=7"), DictTypeBody(R"("number=7")"));
  }
  // Not parsed, so "null" is not the JSON value null.
  ExpectUnprocessable(CheckAs("text/plain", "null"), DictTypeBody(R"("null")"));
}

TEST_F(JsonBodyTest, DictTypeBodyIsExact) {
  ExpectUnprocessable(
      Check("[1, 2]"),
      R"({"detail":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary","input":[1,2],"url":"https://errors.pydantic.dev/2.6/v/dict_type"}]})");
}

TEST_F(JsonBodyTest, NonObjectsAreReEmittedAsPythonWould) {
  struct Case {
    std::string_view body;
    std::string_view input;  // json.dumps(json.loads(body), ensure_ascii=False, compact)
  };
  const Case kCases[] = {
      {R"("str")", R"("str")"},
      {" 42 ", "42"},
      {"true", "true"},
      {"false", "false"},
      {"18446744073709551615", "18446744073709551615"},
      {"-9223372036854775808", "-9223372036854775808"},
      {R"( [ {"a" : [ ] } ] )", R"([{"a":[]}])"},
      {R"([1, 2.5, "a\"b\\c", {"k": 1, "j": 3, "k": 2}, true, false, null, -0, -0.0, 1E2, )"
       R"("\u00e9\n\u0001\u007f\/", []])",
       "[1,2.5,\"a\\\"b\\\\c\",{\"k\":2,\"j\":3},true,false,null,0,-0.0,100.0,"
       "\"\xC3\xA9\\n\\u0001\x7f/\",[]]"},
      {"[1e16, 1e15, 123456789.125, 0.0001, 0.00001, 1.5e-7, 1e300, 2.5e-300, 0.1, 100.0, "
       "1.7976931348623157e308, 5e-324, 9007199254740993.0, 123e-10, -1.25e+20]",
       "[1e+16,1000000000000000.0,123456789.125,0.0001,1e-05,1.5e-07,1e+300,2.5e-300,0.1,100.0,"
       "1.7976931348623157e+308,5e-324,9007199254740992.0,1.23e-08,-1.25e+20]"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.body));
    ExpectUnprocessable(Check(std::string(c.body)), DictTypeBody(c.input));
  }
}

TEST_F(JsonBodyTest, InputIsEscaped) {
  ExpectUnprocessable(CheckAs("text/plain", "he said \"hi\" \\ back\n\t\x01\x1f\xC3\xA9"),
                      DictTypeBody(R"("he said \"hi\" \\ back\n\t\u0001\u001fé")"));
  // Bytes that are not UTF-8 cannot be echoed; they become U+FFFD so the body stays valid JSON.
  ExpectUnprocessable(CheckAs("text/plain",
                              "a\xFF"
                              "b\xED\xA0\x80"),
                      DictTypeBody("\"a\xEF\xBF\xBD"
                                   "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""));
}

TEST_F(JsonBodyTest, InvalidUtf8IsBadRequest) {
  for (std::string body : {"{\"a\":\"\xFF\"}", "{\xC3", "[1,]\xFF", "{\"a\":\"\xED\xA0\x80\"}",
                           "\xEF\xBB\xBF\xC0\xAF"}) {
    const BodyCheck check = Check(body);
    EXPECT_EQ(check.verdict, BodyVerdict::kInvalid);
    EXPECT_EQ(check.status, 400);
    EXPECT_EQ(check.error_body, R"({"detail":"There was an error parsing the body"})");
  }
}

TEST_F(JsonBodyTest, MalformedJsonBodyIsExact) {
  ExpectUnprocessable(
      Check(R"({"a":1 "b":2})"),
      R"({"detail":[{"type":"json_invalid","loc":["body",7],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ',' delimiter"}}]})");
}

TEST_F(JsonBodyTest, MalformedJsonMatchesPython) {
  struct Case {
    std::string_view body;
    size_t offset;
    std::string_view message_json;
  };
  const Case kCases[] = {
      {"  ", 2, R"("Expecting value")"},
      {"{} x", 3, R"("Extra data")"},
      {R"({"a":1,})", 7, R"("Expecting property name enclosed in double quotes")"},
      {R"({"a" 1})", 5, R"("Expecting ':' delimiter")"},
      {R"({"a":"x)", 5, R"("Unterminated string starting at")"},
      {"{\"a\":\"\x02\"}", 6, R"("Invalid control character at")"},
      {R"({"a":"\q"})", 6, R"("Invalid \\escape")"},
      {R"({"a":"\u12"})", 7, R"("Invalid \\uXXXX escape")"},
      {"{\"\xC3\xA9\":1 x}", 7, R"("Expecting ',' delimiter")"},
      {R"({"a": NaN})", 6, R"("Expecting value")"},
      {"Infinity", 0, R"("Expecting value")"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.body));
    ExpectUnprocessable(Check(std::string(c.body)), JsonInvalidBody(c.offset, c.message_json));
  }
}

TEST_F(JsonBodyTest, LeadingByteOrderMarkIsSkipped) {
  std::string body = "\xEF\xBB\xBF{\"a\": 1}";
  EXPECT_EQ(checker_.Check(nullptr, body).verdict, BodyVerdict::kObject);
  EXPECT_EQ(body, R"({"a": 1})");  // the worker gets the object without the mark

  // Offsets count from after the mark, as Python's utf-8-sig decoding does.
  ExpectUnprocessable(Check("\xEF\xBB\xBF{\"a\":1,}"),
                      JsonInvalidBody(7, R"("Expecting property name enclosed in double quotes")"));
  ExpectUnprocessable(Check("\xEF\xBB\xBF"), JsonInvalidBody(0, R"("Expecting value")"));
  ExpectUnprocessable(Check("\xEF\xBB\xBF\xEF\xBB\xBF{}"),
                      JsonInvalidBody(0, R"("Expecting value")"));
  ExpectUnprocessable(Check("\xEF\xBB\xBF[1]"), DictTypeBody("[1]"));
}

// Python's json takes numbers of any size and lone surrogate escapes; simdjson does not, so the
// locator decides.
TEST_F(JsonBodyTest, ValuesOnlyPythonCanRepresentAreAccepted) {
  EXPECT_EQ(Check(R"({"n": 123456789012345678901234567890})").verdict, BodyVerdict::kObject);
  EXPECT_EQ(Check(R"({"s": "\ud800", "t": "\udc00"})").verdict, BodyVerdict::kObject);
  ExpectUnprocessable(Check(" 123456789012345678901234567890 "),
                      DictTypeBody("123456789012345678901234567890"));
  ExpectUnprocessable(Check(R"([1, 123456789012345678901234567890, " a b "])"),
                      DictTypeBody(R"([1,123456789012345678901234567890," a b "])"));
}

TEST_F(JsonBodyTest, DeepNesting) {
  const std::string deepest_allowed =
      std::string(kJsonMaxDepth - 1, '[') + "1" + std::string(kJsonMaxDepth - 1, ']');
  const BodyCheck allowed = Check(deepest_allowed);
  EXPECT_EQ(allowed.status, 422);
  EXPECT_NE(allowed.error_body.find(R"("type":"dict_type")"), std::string::npos);

  std::string too_deep = "{\"a\":" + deepest_allowed + "}";
  ExpectUnprocessable(Check(too_deep),
                      JsonInvalidBody(kJsonMaxDepth + 3, R"("Maximum nesting depth exceeded")"));

  ExpectUnprocessable(Check(std::string(1'000'000, '[')),
                      JsonInvalidBody(kJsonMaxDepth - 1, R"("Maximum nesting depth exceeded")"));
}

TEST_F(JsonBodyTest, PaddedBodyIsParsedInPlace) {
  std::string body = R"({"a": 1})";
  body.reserve(body.size() + kJsonBodyPadding);
  const char* data = body.data();
  EXPECT_EQ(checker_.Check(nullptr, body).verdict, BodyVerdict::kObject);
  EXPECT_EQ(body.data(), data);

  std::string short_body;
  short_body.shrink_to_fit();
  short_body = "{}";
  EXPECT_EQ(checker_.Check(nullptr, short_body).verdict, BodyVerdict::kObject);
  EXPECT_GE(short_body.capacity(), short_body.size() + kJsonBodyPadding);
}

TEST(JsonBodyCheckerTest, ParserIsReusableAfterReleasingLargeBuffers) {
  JsonBodyChecker checker(/*max_retained_parser_bytes=*/64);
  std::string large = R"({"k": ")" + std::string(100'000, 'x') + R"("})";
  EXPECT_EQ(checker.Check(nullptr, large).verdict, BodyVerdict::kObject);
  std::string small = "[true]";
  EXPECT_EQ(checker.Check(nullptr, small).error_body, DictTypeBody("[true]"));
  std::string malformed = R"({"k": ")" + std::string(100'000, 'x') + R"(" 1})";
  const BodyCheck check = checker.Check(nullptr, malformed);
  EXPECT_EQ(check.status, 422);
  EXPECT_EQ(check.error_body, JsonInvalidBody(100'009, R"("Expecting ',' delimiter")"));
}

}  // namespace
}  // namespace gw::api
