// Unit tests of RequestParser: bytes in, requests or a ParseError out, with no socket or loop.
#include "http/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace gw::http {
namespace {

ParseError FeedAll(RequestParser* parser, std::string_view data, std::vector<Request>* out) {
  return parser->Feed(data.data(), data.size(), out);
}

// Feeding one byte per call splits every token at every possible boundary, so the result must
// equal a single Feed() of the whole buffer.
ParseError FeedByteByByte(RequestParser* parser, std::string_view data, std::vector<Request>* out) {
  for (char c : data) {
    ParseError error = parser->Feed(&c, 1, out);
    if (error != ParseError::kNone) return error;
  }
  return ParseError::kNone;
}

std::vector<Request> ParseOk(std::string_view data, const Limits& limits = Limits()) {
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, data, &out), ParseError::kNone) << parser.ErrorReason();
  return out;
}

ParseError ParseFailure(std::string_view data, const Limits& limits, std::string* reason) {
  RequestParser parser(limits);
  std::vector<Request> out;
  ParseError error = FeedAll(&parser, data, &out);
  *reason = parser.ErrorReason();
  return error;
}

TEST(HttpRequestParserTest, SimpleGet) {
  std::vector<Request> out = ParseOk("GET /hello?x=1 HTTP/1.1\r\nHost: example\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  const Request& request = out[0];
  EXPECT_EQ(request.method, Method::kGet);
  EXPECT_EQ(request.method_name, "GET");
  EXPECT_EQ(request.target, "/hello?x=1");
  EXPECT_EQ(request.http_major, 1);
  EXPECT_EQ(request.http_minor, 1);
  EXPECT_TRUE(request.keep_alive);
  EXPECT_TRUE(request.body.empty());
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].name, "host");
  EXPECT_EQ(request.headers[0].value, "example");
}

TEST(HttpRequestParserTest, MapsMethods) {
  const struct {
    std::string_view name;
    Method method;
  } kCases[] = {{"GET", Method::kGet},         {"HEAD", Method::kHead},
                {"POST", Method::kPost},       {"PUT", Method::kPut},
                {"DELETE", Method::kDelete},   {"PATCH", Method::kPatch},
                {"OPTIONS", Method::kOptions}, {"PROPFIND", Method::kOther}};
  for (const auto& c : kCases) {
    std::string data = std::string(c.name) + " / HTTP/1.1\r\n\r\n";
    std::vector<Request> out = ParseOk(data);
    ASSERT_EQ(out.size(), 1u) << c.name;
    EXPECT_EQ(out[0].method, c.method) << c.name;
    EXPECT_EQ(out[0].method_name, c.name);
  }
}

TEST(HttpRequestParserTest, PostWithContentLength) {
  std::vector<Request> out = ParseOk(
      "POST /api/v1/perform HTTP/1.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"numbers\":1}");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].method, Method::kPost);
  EXPECT_EQ(out[0].body, "{\"numbers\":1}");
  ASSERT_NE(out[0].FindHeader("content-type"), nullptr);
  EXPECT_EQ(*out[0].FindHeader("content-type"), "application/json");
}

TEST(HttpRequestParserTest, ChunkedBodyIsDechunked) {
  std::vector<Request> out = ParseOk(
      "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hello, world");
}

TEST(HttpRequestParserTest, ChunkedTrailersAreNotHeaders) {
  std::vector<Request> out = ParseOk(
      "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nhi\r\n0\r\nX-Trailer: sneaky\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hi");
  EXPECT_EQ(out[0].FindHeader("x-trailer"), nullptr);
  EXPECT_EQ(out[0].headers.size(), 1u);
}

TEST(HttpRequestParserTest, PipelinedRequestsComeOutInOrder) {
  std::vector<Request> out = ParseOk(
      "GET /one HTTP/1.1\r\n\r\n"
      "POST /two HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
      "DELETE /three HTTP/1.1\r\nX-Id: 3\r\n\r\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].target, "/one");
  EXPECT_EQ(out[1].target, "/two");
  EXPECT_EQ(out[1].body, "abc");
  EXPECT_EQ(out[2].target, "/three");
  EXPECT_EQ(out[2].method, Method::kDelete);
  ASSERT_EQ(out[2].headers.size(), 1u);
  EXPECT_EQ(out[2].headers[0].value, "3");
}

TEST(HttpRequestParserTest, ByteByByteFeedParsesIdentically) {
  const std::string_view kData =
      "GET /a/b?q=1&r=2 HTTP/1.1\r\nHost: h\r\nX-Long-Header-Name: some value here\r\n\r\n"
      "POST /c HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
      "PUT /d HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  std::vector<Request> whole = ParseOk(kData);

  RequestParser parser{Limits()};
  std::vector<Request> pieces;
  ASSERT_EQ(FeedByteByByte(&parser, kData, &pieces), ParseError::kNone) << parser.ErrorReason();

  ASSERT_EQ(whole.size(), 3u);
  ASSERT_EQ(pieces.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(pieces[i].method, whole[i].method);
    EXPECT_EQ(pieces[i].method_name, whole[i].method_name);
    EXPECT_EQ(pieces[i].target, whole[i].target);
    EXPECT_EQ(pieces[i].body, whole[i].body);
    EXPECT_EQ(pieces[i].keep_alive, whole[i].keep_alive);
    ASSERT_EQ(pieces[i].headers.size(), whole[i].headers.size());
    for (size_t h = 0; h < whole[i].headers.size(); ++h) {
      EXPECT_EQ(pieces[i].headers[h].name, whole[i].headers[h].name);
      EXPECT_EQ(pieces[i].headers[h].value, whole[i].headers[h].value);
    }
  }
  EXPECT_EQ(pieces[0].headers[1].name, "x-long-header-name");
  EXPECT_EQ(pieces[0].headers[1].value, "some value here");
  EXPECT_EQ(pieces[2].body, "abcde");
}

TEST(HttpRequestParserTest, Http10ClosesUnlessKeepAliveIsAsked) {
  std::vector<Request> plain = ParseOk("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].http_major, 1);
  EXPECT_EQ(plain[0].http_minor, 0);
  EXPECT_FALSE(plain[0].keep_alive);

  std::vector<Request> kept = ParseOk("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_TRUE(kept[0].keep_alive);
}

TEST(HttpRequestParserTest, Http11ConnectionCloseEndsKeepAlive) {
  std::vector<Request> out = ParseOk("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].keep_alive);
}

TEST(HttpRequestParserTest, DataAfterCloseRequestIsIgnored) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  EXPECT_EQ(
      FeedAll(&parser, "GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n", &out),
      ParseError::kNone);
  EXPECT_EQ(FeedAll(&parser, "GET /c HTTP/1.1\r\n\r\n", &out), ParseError::kNone);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].target, "/a");
  EXPECT_FALSE(parser.InMessage());
}

TEST(HttpRequestParserTest, HeaderNamesAreLowerCasedAndValuesKept) {
  std::vector<Request> out = ParseOk(
      "GET / HTTP/1.1\r\nX-Request-Tracing-Id: AbC-123\r\nCONTENT-TYPE: Text/Plain\r\n"
      "X-Empty:\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].headers.size(), 3u);
  EXPECT_EQ(out[0].headers[0].name, "x-request-tracing-id");
  EXPECT_EQ(out[0].headers[0].value, "AbC-123");
  EXPECT_EQ(out[0].headers[1].name, "content-type");
  EXPECT_EQ(out[0].headers[1].value, "Text/Plain");
  EXPECT_EQ(out[0].headers[2].name, "x-empty");
  EXPECT_EQ(out[0].headers[2].value, "");
}

TEST(HttpRequestParserTest, UrlLimit) {
  Limits limits;
  limits.max_url_bytes = 10;
  EXPECT_EQ(ParseOk("GET /123456789 HTTP/1.1\r\n\r\n", limits).size(), 1u);  // exactly 10
  std::string reason;
  EXPECT_EQ(ParseFailure("GET /1234567890 HTTP/1.1\r\n\r\n", limits, &reason),
            ParseError::kUrlTooLong);
  EXPECT_NE(reason.find("URL"), std::string::npos) << reason;
}

TEST(HttpRequestParserTest, UrlLimitAcrossFeeds) {
  Limits limits;
  limits.max_url_bytes = 10;
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedByteByByte(&parser, "GET /1234567890 HTTP/1.1\r\n\r\n", &out),
            ParseError::kUrlTooLong);
}

TEST(HttpRequestParserTest, HeaderBytesLimit) {
  Limits limits;
  limits.max_header_bytes = 10;  // names + values
  EXPECT_EQ(ParseOk("GET / HTTP/1.1\r\nabcde: 12345\r\n\r\n", limits).size(), 1u);
  std::string reason;
  EXPECT_EQ(ParseFailure("GET / HTTP/1.1\r\nabcde: 123456\r\n\r\n", limits, &reason),
            ParseError::kHeadersTooLarge);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(ParseFailure("GET / HTTP/1.1\r\nab: 12\r\ncd: 34\r\nef: 56\r\n\r\n", limits, &reason),
            ParseError::kHeadersTooLarge);
}

TEST(HttpRequestParserTest, HeaderCountLimit) {
  Limits limits;
  limits.max_header_count = 2;
  EXPECT_EQ(ParseOk("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\n\r\n", limits).size(), 1u);
  std::string reason;
  EXPECT_EQ(ParseFailure("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n", limits, &reason),
            ParseError::kHeadersTooLarge);
  EXPECT_NE(reason.find("too many"), std::string::npos) << reason;
}

TEST(HttpRequestParserTest, BodyLimitViaContentLengthFailsAtHeaders) {
  Limits limits;
  limits.max_body_bytes = 4;
  EXPECT_EQ(ParseOk("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", limits).size(), 1u);
  // No body byte is sent: the declared length alone is refused.
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", &out),
            ParseError::kBodyTooLarge);
  EXPECT_NE(parser.ErrorReason().find("body"), std::string::npos) << parser.ErrorReason();
}

TEST(HttpRequestParserTest, BodyLimitViaChunks) {
  Limits limits;
  limits.max_body_bytes = 4;
  EXPECT_EQ(ParseOk("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n",
                    limits)
                .size(),
            1u);
  std::string reason;
  EXPECT_EQ(ParseFailure("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
                         limits, &reason),
            ParseError::kBodyTooLarge);
}

TEST(HttpRequestParserTest, ConnectIsUnsupported) {
  std::string reason;
  EXPECT_EQ(ParseFailure("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", Limits(),
                         &reason),
            ParseError::kUnsupported);
  EXPECT_FALSE(reason.empty());
}

TEST(HttpRequestParserTest, UpgradeIsUnsupported) {
  std::string reason;
  EXPECT_EQ(ParseFailure("GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                         Limits(), &reason),
            ParseError::kUnsupported);
}

TEST(HttpRequestParserTest, GarbageIsMalformed) {
  std::string reason;
  EXPECT_EQ(ParseFailure("\x01\x02garbage\r\n\r\n", Limits(), &reason), ParseError::kMalformed);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(ParseFailure("GET / HTTP/9.9\r\n\r\n", Limits(), &reason), ParseError::kMalformed);
  EXPECT_EQ(ParseFailure("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", Limits(), &reason),
            ParseError::kMalformed);
}

TEST(HttpRequestParserTest, StaysFailedAfterError) {
  Limits limits;
  limits.max_url_bytes = 4;
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, "GET /toolong HTTP/1.1\r\n\r\n", &out), ParseError::kUrlTooLong);
  std::string reason = parser.ErrorReason();
  EXPECT_EQ(FeedAll(&parser, "GET / HTTP/1.1\r\n\r\n", &out), ParseError::kUrlTooLong);
  EXPECT_EQ(parser.ErrorReason(), reason);
  EXPECT_TRUE(out.empty());
}

TEST(HttpRequestParserTest, RequestsBeforeAnErrorAreDelivered) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, "GET /ok HTTP/1.1\r\n\r\n\x01garbage", &out), ParseError::kMalformed);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].target, "/ok");
}

TEST(HttpRequestParserTest, InHeadersAndInMessageTransitions) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  EXPECT_FALSE(parser.InHeaders());
  EXPECT_FALSE(parser.InMessage());

  ASSERT_EQ(FeedAll(&parser, "P", &out), ParseError::kNone);
  EXPECT_TRUE(parser.InHeaders());
  EXPECT_TRUE(parser.InMessage());

  ASSERT_EQ(FeedAll(&parser, "OST / HTTP/1.1\r\nContent-Length: 2\r\n", &out), ParseError::kNone);
  EXPECT_TRUE(parser.InHeaders());

  ASSERT_EQ(FeedAll(&parser, "\r\n", &out), ParseError::kNone);
  EXPECT_FALSE(parser.InHeaders());
  EXPECT_TRUE(parser.InMessage());

  ASSERT_EQ(FeedAll(&parser, "a", &out), ParseError::kNone);
  EXPECT_TRUE(parser.InMessage());
  EXPECT_TRUE(out.empty());

  ASSERT_EQ(FeedAll(&parser, "b", &out), ParseError::kNone);
  EXPECT_FALSE(parser.InHeaders());
  EXPECT_FALSE(parser.InMessage());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "ab");

  // The next request on the same connection starts the cycle again.
  ASSERT_EQ(FeedAll(&parser, "GET", &out), ParseError::kNone);
  EXPECT_TRUE(parser.InHeaders());
  EXPECT_TRUE(parser.InMessage());
}

}  // namespace
}  // namespace gw::http
