// Response serialisation: appends straight into the caller's buffer after one reserve, and
// formats the date header at most once per second per thread.
#include "http/response.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <ctime>

namespace gw::http {
namespace {

constexpr std::string_view kServerName = "racetrack-gateway";

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 7231 IMF-fixdate) is always this long.
constexpr size_t kHttpDateBytes = 29;

// Generous bound on the fixed parts of the head: status line, date, server, the header names of
// content-type, content-length and connection, a 20-digit length and the CRLFs.
constexpr size_t kFixedHeadBytes = 192;

// Writes `value` as exactly `width` decimal digits, zero-padded, and returns the end.
char* PutDigits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

char* PutText(char* out, std::string_view text) { return std::copy(text.begin(), text.end(), out); }

// Formatted by hand rather than with strftime, whose %a and %b follow the process locale while
// HTTP dates must be in English, and whose output length the compiler cannot bound.
void FormatHttpDate(time_t now, char (&out)[kHttpDateBytes]) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm utc;
  gmtime_r(&now, &utc);
  char* p = PutText(out, kDays[utc.tm_wday]);
  p = PutText(p, ", ");
  p = PutDigits(p, utc.tm_mday, 2);
  p = PutText(p, " ");
  p = PutText(p, kMonths[utc.tm_mon]);
  p = PutText(p, " ");
  p = PutDigits(p, (utc.tm_year + 1900) % 10000, 4);
  p = PutText(p, " ");
  p = PutDigits(p, utc.tm_hour, 2);
  p = PutText(p, ":");
  p = PutDigits(p, utc.tm_min, 2);
  p = PutText(p, ":");
  p = PutDigits(p, utc.tm_sec, 2);
  PutText(p, " GMT");
}

// The date changes once a second while responses go out far more often, so the formatted text
// is cached. The cache is per thread so that several event loops never share it.
std::string_view CurrentHttpDate() {
  struct DateCache {
    time_t second = -1;
    char text[kHttpDateBytes] = {};
  };
  thread_local DateCache cache;
  time_t now = time(nullptr);
  if (now != cache.second) {
    FormatHttpDate(now, cache.text);
    cache.second = now;
  }
  return {cache.text, kHttpDateBytes};
}

void AppendHeader(std::string* out, std::string_view name, std::string_view value) {
  out->append(name).append(": ").append(value).append("\r\n");
}

void AppendNumber(std::string* out, size_t number) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), number);
  out->append(digits, end);
}

// 1xx, 204 and 304 responses never have content (RFC 9110 §6.4.1). 1xx and 204 must not carry
// content-length at all, and a 304's would have to be the length of the 200's content, which
// the caller does not pass; so none of them gets content-length or a body.
bool StatusHasContent(int status) { return status >= 200 && status != 204 && status != 304; }

size_t EstimateSize(const ResponseHead& head, std::string_view body, bool head_only) {
  size_t size = kFixedHeadBytes + StatusReason(head.status).size() + head.content_type.size();
  for (const Header& header : head.headers) size += header.name.size() + header.value.size() + 4;
  return head_only ? size : size + body.size();
}

}  // namespace

void AppendResponse(std::string* out, const ResponseHead& head, std::string_view body,
                    bool head_only) {
  out->reserve(out->size() + EstimateSize(head, body, head_only));
  out->append("HTTP/1.1 ");
  AppendNumber(out, static_cast<size_t>(head.status));
  out->push_back(' ');
  out->append(StatusReason(head.status)).append("\r\n");
  AppendHeader(out, "date", CurrentHttpDate());
  AppendHeader(out, "server", kServerName);
  if (!head.content_type.empty()) AppendHeader(out, "content-type", head.content_type);
  for (const Header& header : head.headers) AppendHeader(out, header.name, header.value);
  bool has_content = StatusHasContent(head.status);
  if (has_content) {
    out->append("content-length: ");
    AppendNumber(out, body.size());
    out->append("\r\n");
  }
  if (head.close) out->append("connection: close\r\n");
  out->append("\r\n");
  if (has_content && !head_only) out->append(body);
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace gw::http
