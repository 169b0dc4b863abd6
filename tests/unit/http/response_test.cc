// Unit tests of response serialisation: exact bytes, with the date header matched by pattern.
#include "http/response.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace gw::http {
namespace {

// RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
const std::regex kDateLine(
    "date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} "
    "GMT\r\n");

// Checks and removes the date line, which is the only part that varies between runs.
std::string WithoutDate(const std::string& response) {
  std::smatch match;
  EXPECT_TRUE(std::regex_search(response, match, kDateLine)) << response;
  if (match.empty()) return response;
  return match.prefix().str() + match.suffix().str();
}

TEST(HttpResponseTest, JsonResponseExactFormat) {
  ResponseHead head;
  head.status = 200;
  head.content_type = kJson;
  std::string out;
  AppendResponse(&out, head, "{\"a\":1}", /*head_only=*/false);
  EXPECT_EQ(WithoutDate(out),
            "HTTP/1.1 200 OK\r\n"
            "server: racetrack-gateway\r\n"
            "content-type: application/json\r\n"
            "content-length: 7\r\n"
            "\r\n"
            "{\"a\":1}");
  // The date comes right after the status line.
  EXPECT_EQ(out.compare(17, 6, "date: "), 0) << out;
}

TEST(HttpResponseTest, ExtraHeadersAndClose) {
  ResponseHead head;
  head.status = 405;
  head.headers = {{"allow", "POST"}, {"x-request-tracing-id", "abc"}};
  head.close = true;
  std::string out;
  AppendResponse(&out, head, "", /*head_only=*/false);
  EXPECT_EQ(WithoutDate(out),
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "server: racetrack-gateway\r\n"
            "allow: POST\r\n"
            "x-request-tracing-id: abc\r\n"
            "content-length: 0\r\n"
            "connection: close\r\n"
            "\r\n");
}

TEST(HttpResponseTest, HeadOmitsBodyButKeepsContentLength) {
  ResponseHead head;
  head.content_type = "text/plain";
  std::string out;
  AppendResponse(&out, head, "hello", /*head_only=*/true);
  EXPECT_EQ(WithoutDate(out),
            "HTTP/1.1 200 OK\r\n"
            "server: racetrack-gateway\r\n"
            "content-type: text/plain\r\n"
            "content-length: 5\r\n"
            "\r\n");
}

TEST(HttpResponseTest, NoContentStatusesHaveNoLengthOrBody) {
  for (int status : {204, 304}) {
    ResponseHead head;
    head.status = status;
    std::string out;
    AppendResponse(&out, head, "ignored", /*head_only=*/false);
    std::string expected = "HTTP/1.1 " + std::to_string(status) + " " +
                           std::string(StatusReason(status)) +
                           "\r\nserver: racetrack-gateway\r\n\r\n";
    EXPECT_EQ(WithoutDate(out), expected);
  }
}

TEST(HttpResponseTest, AppendsAfterExistingOutput) {
  // A connection queues pipelined responses in one buffer, so nothing already there may move.
  std::string out = "previous";
  ResponseHead head;
  head.status = 404;
  head.content_type = kJson;
  AppendResponse(&out, head, "{\"detail\":\"Not Found\"}", /*head_only=*/false);
  size_t first_end = out.size();
  AppendResponse(&out, head, "{}", /*head_only=*/false);
  EXPECT_EQ(out.rfind("previousHTTP/1.1 404 Not Found\r\n", 0), 0u) << out;
  EXPECT_EQ(out.substr(first_end - 22, 22), "{\"detail\":\"Not Found\"}");
  EXPECT_EQ(out.compare(first_end, 13, "HTTP/1.1 404 "), 0) << out;
  const std::string kTail = "content-length: 2\r\n\r\n{}";
  EXPECT_EQ(out.substr(out.size() - kTail.size()), kTail);
}

TEST(HttpResponseTest, DateIsStableWithinASecond) {
  std::string first;
  std::string second;
  AppendResponse(&first, ResponseHead(), "", false);
  AppendResponse(&second, ResponseHead(), "", false);
  std::smatch a;
  std::smatch b;
  ASSERT_TRUE(std::regex_search(first, a, kDateLine));
  ASSERT_TRUE(std::regex_search(second, b, kDateLine));
  // Two calls may straddle a second boundary; equal length is what always holds.
  EXPECT_EQ(a.str().size(), b.str().size());
}

TEST(HttpResponseTest, StatusReasons) {
  EXPECT_EQ(StatusReason(200), "OK");
  EXPECT_EQ(StatusReason(201), "Created");
  EXPECT_EQ(StatusReason(204), "No Content");
  EXPECT_EQ(StatusReason(206), "Partial Content");
  EXPECT_EQ(StatusReason(301), "Moved Permanently");
  EXPECT_EQ(StatusReason(302), "Found");
  EXPECT_EQ(StatusReason(303), "See Other");
  EXPECT_EQ(StatusReason(304), "Not Modified");
  EXPECT_EQ(StatusReason(307), "Temporary Redirect");
  EXPECT_EQ(StatusReason(308), "Permanent Redirect");
  EXPECT_EQ(StatusReason(400), "Bad Request");
  EXPECT_EQ(StatusReason(401), "Unauthorized");
  EXPECT_EQ(StatusReason(403), "Forbidden");
  EXPECT_EQ(StatusReason(404), "Not Found");
  EXPECT_EQ(StatusReason(405), "Method Not Allowed");
  EXPECT_EQ(StatusReason(406), "Not Acceptable");
  EXPECT_EQ(StatusReason(408), "Request Timeout");
  EXPECT_EQ(StatusReason(409), "Conflict");
  EXPECT_EQ(StatusReason(410), "Gone");
  EXPECT_EQ(StatusReason(411), "Length Required");
  EXPECT_EQ(StatusReason(413), "Content Too Large");
  EXPECT_EQ(StatusReason(414), "URI Too Long");
  EXPECT_EQ(StatusReason(415), "Unsupported Media Type");
  EXPECT_EQ(StatusReason(416), "Range Not Satisfiable");
  EXPECT_EQ(StatusReason(422), "Unprocessable Content");
  EXPECT_EQ(StatusReason(429), "Too Many Requests");
  EXPECT_EQ(StatusReason(431), "Request Header Fields Too Large");
  EXPECT_EQ(StatusReason(500), "Internal Server Error");
  EXPECT_EQ(StatusReason(501), "Not Implemented");
  EXPECT_EQ(StatusReason(502), "Bad Gateway");
  EXPECT_EQ(StatusReason(503), "Service Unavailable");
  EXPECT_EQ(StatusReason(504), "Gateway Timeout");
  EXPECT_EQ(StatusReason(299), "Unknown");
  EXPECT_EQ(StatusReason(999), "Unknown");
}

}  // namespace
}  // namespace gw::http
