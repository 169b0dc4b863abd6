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
    std::string data = std::string(c.name) + " / HTTP/1.1\r\nHost: h\r\n\r\n";
    std::vector<Request> out = ParseOk(data);
    ASSERT_EQ(out.size(), 1u) << c.name;
    EXPECT_EQ(out[0].method, c.method) << c.name;
    EXPECT_EQ(out[0].method_name, c.name);
  }
}

TEST(HttpRequestParserTest, PostWithContentLength) {
  std::vector<Request> out = ParseOk(
      "POST /api/v1/perform HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"numbers\":1}");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].method, Method::kPost);
  EXPECT_EQ(out[0].body, "{\"numbers\":1}");
  ASSERT_NE(out[0].FindHeader("content-type"), nullptr);
  EXPECT_EQ(*out[0].FindHeader("content-type"), "application/json");
}

TEST(HttpRequestParserTest, ChunkedBodyIsDechunked) {
  std::vector<Request> out = ParseOk(
      "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hello, world");
}

TEST(HttpRequestParserTest, ChunkedTrailersAreNotHeaders) {
  std::vector<Request> out = ParseOk(
      "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nhi\r\n0\r\nX-Trailer: sneaky\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hi");
  EXPECT_EQ(out[0].FindHeader("x-trailer"), nullptr);
  EXPECT_EQ(out[0].headers.size(), 2u);  // host, transfer-encoding
}

TEST(HttpRequestParserTest, PipelinedRequestsComeOutInOrder) {
  std::vector<Request> out = ParseOk(
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "DELETE /three HTTP/1.1\r\nHost: h\r\nX-Id: 3\r\n\r\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].target, "/one");
  EXPECT_EQ(out[1].target, "/two");
  EXPECT_EQ(out[1].body, "abc");
  EXPECT_EQ(out[2].target, "/three");
  EXPECT_EQ(out[2].method, Method::kDelete);
  ASSERT_EQ(out[2].headers.size(), 2u);
  EXPECT_EQ(out[2].headers[1].value, "3");
}

TEST(HttpRequestParserTest, ByteByByteFeedParsesIdentically) {
  const std::string_view kData =
      "GET /a/b?q=1&r=2 HTTP/1.1\r\nHost: h\r\nX-Long-Header-Name: some value here\r\n\r\n"
      "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
      "PUT /d HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
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
  std::vector<Request> out = ParseOk("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].keep_alive);
}

TEST(HttpRequestParserTest, DataAfterCloseRequestIsIgnored) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser,
                    "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /b "
                    "HTTP/1.1\r\nHost: h\r\n\r\n",
                    &out),
            ParseError::kNone);
  EXPECT_EQ(FeedAll(&parser, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n", &out), ParseError::kNone);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].target, "/a");
  EXPECT_FALSE(parser.InMessage());
}

TEST(HttpRequestParserTest, HeaderNamesAreLowerCasedAndValuesKept) {
  std::vector<Request> out = ParseOk(
      "GET / HTTP/1.1\r\nHost: h\r\nX-Request-Tracing-Id: AbC-123\r\nCONTENT-TYPE: Text/Plain\r\n"
      "X-Empty:\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].headers.size(), 4u);
  EXPECT_EQ(out[0].headers[1].name, "x-request-tracing-id");
  EXPECT_EQ(out[0].headers[1].value, "AbC-123");
  EXPECT_EQ(out[0].headers[2].name, "content-type");
  EXPECT_EQ(out[0].headers[2].value, "Text/Plain");
  EXPECT_EQ(out[0].headers[3].name, "x-empty");
  EXPECT_EQ(out[0].headers[3].value, "");
}

TEST(HttpRequestParserTest, UrlLimit) {
  Limits limits;
  limits.max_url_bytes = 10;
  EXPECT_EQ(ParseOk("GET /123456789 HTTP/1.1\r\nHost: h\r\n\r\n", limits).size(),
            1u);  // exactly 10
  std::string reason;
  EXPECT_EQ(ParseFailure("GET /1234567890 HTTP/1.1\r\nHost: h\r\n\r\n", limits, &reason),
            ParseError::kUrlTooLong);
  EXPECT_NE(reason.find("URL"), std::string::npos) << reason;
}

TEST(HttpRequestParserTest, UrlLimitAcrossFeeds) {
  Limits limits;
  limits.max_url_bytes = 10;
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedByteByByte(&parser, "GET /1234567890 HTTP/1.1\r\nHost: h\r\n\r\n", &out),
            ParseError::kUrlTooLong);
}

TEST(HttpRequestParserTest, HeaderBytesLimit) {
  Limits limits;
  limits.max_header_bytes = 10;  // names + values (HTTP/1.0: no Host)
  EXPECT_EQ(ParseOk("GET / HTTP/1.0\r\nabcde: 12345\r\n\r\n", limits).size(), 1u);
  std::string reason;
  EXPECT_EQ(ParseFailure("GET / HTTP/1.0\r\nabcde: 123456\r\n\r\n", limits, &reason),
            ParseError::kHeadersTooLarge);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(ParseFailure("GET / HTTP/1.0\r\nab: 12\r\ncd: 34\r\nef: 56\r\n\r\n", limits, &reason),
            ParseError::kHeadersTooLarge);
}

TEST(HttpRequestParserTest, HeaderCountLimit) {
  Limits limits;
  limits.max_header_count = 2;
  EXPECT_EQ(ParseOk("GET / HTTP/1.0\r\na: 1\r\nb: 2\r\n\r\n", limits).size(), 1u);
  std::string reason;
  EXPECT_EQ(ParseFailure("GET / HTTP/1.0\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n", limits, &reason),
            ParseError::kHeadersTooLarge);
  EXPECT_NE(reason.find("too many"), std::string::npos) << reason;
}

TEST(HttpRequestParserTest, BodyLimitViaContentLengthFailsAtHeaders) {
  Limits limits;
  limits.max_body_bytes = 4;
  EXPECT_EQ(ParseOk("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd", limits).size(),
            1u);
  // No body byte is sent: the declared length alone is refused.
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", &out),
            ParseError::kBodyTooLarge);
  EXPECT_NE(parser.ErrorReason().find("body"), std::string::npos) << parser.ErrorReason();
}

TEST(HttpRequestParserTest, BodyLimitViaChunks) {
  Limits limits;
  limits.max_body_bytes = 4;
  EXPECT_EQ(ParseOk("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n",
                    limits)
                .size(),
            1u);
  std::string reason;
  EXPECT_EQ(ParseFailure("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
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
  EXPECT_EQ(ParseFailure(
                "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                Limits(), &reason),
            ParseError::kUnsupported);
}

TEST(HttpRequestParserTest, GarbageIsMalformed) {
  std::string reason;
  EXPECT_EQ(ParseFailure("\x01\x02garbage\r\n\r\n", Limits(), &reason), ParseError::kMalformed);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(ParseFailure("GET / HTTP/9.9\r\n\r\n", Limits(), &reason), ParseError::kMalformed);
  EXPECT_EQ(
      ParseFailure("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", Limits(), &reason),
      ParseError::kMalformed);
}

TEST(HttpRequestParserTest, StaysFailedAfterError) {
  Limits limits;
  limits.max_url_bytes = 4;
  RequestParser parser(limits);
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, "GET /toolong HTTP/1.1\r\nHost: h\r\n\r\n", &out),
            ParseError::kUrlTooLong);
  std::string reason = parser.ErrorReason();
  EXPECT_EQ(FeedAll(&parser, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", &out), ParseError::kUrlTooLong);
  EXPECT_EQ(parser.ErrorReason(), reason);
  EXPECT_TRUE(out.empty());
}

TEST(HttpRequestParserTest, RequestsBeforeAnErrorAreDelivered) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  EXPECT_EQ(FeedAll(&parser, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n\x01garbage", &out),
            ParseError::kMalformed);
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

  ASSERT_EQ(FeedAll(&parser, "OST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n", &out),
            ParseError::kNone);
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

// ---- Strict RFC 9112 framing (what llhttp 8.1 lets through) ----

ParseError ParseError400(std::string_view data, bool byte_by_byte = false) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  ParseError error =
      byte_by_byte ? FeedByteByByte(&parser, data, &out) : FeedAll(&parser, data, &out);
  EXPECT_TRUE(out.empty()) << data;
  return error;
}

TEST(HttpStrictParsingTest, MalformedRequestsAreRefusedWhateverTheFeedSplit) {
  const std::string_view kCases[] = {
      // chunk data not followed by CRLF (the bytes after it would become a second request)
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}ZZ0\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\rZ0\r\n\r\n",
      // header names must be tokens, and not empty
      "GET / HTTP/1.1\r\nHost: h\r\nX Foo: bar\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Foo : bar\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n: bar\r\n\r\n",
      // obs-fold
      "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n c\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\tc\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-A:\r\n c\r\n\r\n",
      // versions other than 1.0 and 1.1
      "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
      // one space, exactly, between the parts of the request line
      "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /  HTTP/1.1\r\nHost: h\r\n\r\n",
      // HTTP/1.1 needs exactly one Host
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      // what the worker could not take as a protobuf string
      "GET /caf\xe9 HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /p?q=caf\xe9 HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Note: caf\xe9\r\n\r\n",
  };
  for (std::string_view data : kCases) {
    SCOPED_TRACE(testing::PrintToString(std::string(data)));
    EXPECT_EQ(ParseError400(data), ParseError::kMalformed);
    EXPECT_EQ(ParseError400(data, true), ParseError::kMalformed);
  }
}

TEST(HttpStrictParsingTest, WellFormedEdgeCasesStillParse) {
  for (std::string_view data : {
           "GET / HTTP/1.0\r\n\r\n",
           "GET /caf%C3%A9?q=\xC3\xA9 HTTP/1.1\r\nHost: h\r\nX-Note: caf\xC3\xA9\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Tab:\ta\tb\t\r\n\r\n",
           "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\n!#$%&'*+-.^_`|~09az: v\r\n\r\n",
       }) {
    SCOPED_TRACE(testing::PrintToString(std::string(data)));
    RequestParser parser{Limits()};
    std::vector<Request> out;
    EXPECT_EQ(FeedByteByByte(&parser, data, &out), ParseError::kNone) << parser.ErrorReason();
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(ParseOk(data).size(), 1u);
  }
}

TEST(HttpStrictParsingTest, HugeChunkSizeIs413AtOnce) {
  std::string reason;
  EXPECT_EQ(ParseFailure("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "FFFFFFFFFFFFFFFF\r\nab",
                         Limits(), &reason),
            ParseError::kBodyTooLarge);
}

// Target, header fields and body together must fit in one call message to the worker.
TEST(HttpStrictParsingTest, RequestOverTheWorkerMessageBudgetIs413) {
  Limits limits;
  limits.max_body_bytes = 1000;
  limits.max_forward_bytes = 100;
  const std::string head = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: ";  // 2 + 5 + 14
  std::string reason;
  // target 2 + "host" "h" 5 + "content-length" "79" 16 = 23; 23 + 77 = 100 fits.
  EXPECT_EQ(ParseOk(head + "77\r\n\r\n" + std::string(77, 'x'), limits).size(), 1u);
  EXPECT_EQ(ParseFailure(head + "78\r\n\r\n", limits, &reason), ParseError::kBodyTooLarge);
  EXPECT_NE(reason.find("message"), std::string::npos) << reason;
  // Chunked: refused when the chunk would not fit.
  EXPECT_EQ(ParseFailure("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "50\r\n",
                         limits, &reason),
            ParseError::kBodyTooLarge);
}

TEST(HttpStrictParsingTest, ExpectContinue) {
  RequestParser parser{Limits()};
  std::vector<Request> out;
  ASSERT_EQ(
      FeedAll(&parser,
              "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n",
              &out),
      ParseError::kNone);
  EXPECT_TRUE(parser.TakeContinue());
  EXPECT_FALSE(parser.TakeContinue());  // once
  ASSERT_EQ(FeedAll(&parser, "{}", &out), ParseError::kNone);
  EXPECT_EQ(out.size(), 1u);
  // No body expected: nothing to go ahead with.
  ASSERT_EQ(FeedAll(&parser, "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n", &out),
            ParseError::kNone);
  EXPECT_FALSE(parser.TakeContinue());
  // The body came with the headers: no interim answer either.
  ASSERT_EQ(
      FeedAll(&parser,
              "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
              "{}",
              &out),
      ParseError::kNone);
  EXPECT_FALSE(parser.TakeContinue());
  std::string reason;
  EXPECT_EQ(ParseFailure("POST / HTTP/1.1\r\nHost: h\r\nExpect: x\r\nContent-Length: 2\r\n\r\n",
                         Limits(), &reason),
            ParseError::kExpectation);
  // HTTP/1.0 expectations are ignored.
  EXPECT_EQ(ParseOk("POST / HTTP/1.0\r\nExpect: x\r\nContent-Length: 2\r\n\r\n{}").size(), 1u);
}

}  // namespace
}  // namespace gw::http
