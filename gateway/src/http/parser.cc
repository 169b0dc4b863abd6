// RequestParser over llhttp: each llhttp event reaches one member of Impl through a noexcept
// trampoline, and every size limit is checked in exactly one member. Impl owns the llhttp state
// and the request being assembled; complete requests are moved into the caller's vector.
#include "http/parser.h"

#include <llhttp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "http/ascii.h"
#include "http/utf8.h"

namespace gw::http {
namespace {

// A declared content-length is only a promise, so the body buffer grows with the bytes that
// really arrive; pre-reserving the whole declared size would let a client that sends nothing
// pin max_body_bytes of memory per connection.
constexpr uint64_t kMaxBodyReserveBytes = 64 * 1024;
// Spare capacity after a body, so that the JSON check can parse it in place without a copy
// (api::kJsonBodyPadding; simdjson reads up to 64 bytes past the end).
constexpr uint64_t kBodySpareBytes = 64;

Method ToMethod(uint8_t llhttp_method) {
  switch (static_cast<llhttp_method_t>(llhttp_method)) {
    case HTTP_GET:
      return Method::kGet;
    case HTTP_HEAD:
      return Method::kHead;
    case HTTP_POST:
      return Method::kPost;
    case HTTP_PUT:
      return Method::kPut;
    case HTTP_DELETE:
      return Method::kDelete;
    case HTTP_PATCH:
      return Method::kPatch;
    case HTTP_OPTIONS:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// Header names are case-insensitive; lower-casing them once here lets every consumer compare
// with plain equality. ASCII only, as field names are tokens.
void AppendLowerCase(std::string* out, const char* at, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    char c = at[i];
    out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
}

// RFC 9110 tchar: what a header field name may consist of.
bool IsTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string_view TrimSpaces(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

}  // namespace

struct RequestParser::Impl {
  explicit Impl(const Limits& limits) : limits_(limits) {
    llhttp_init(&parser_, HTTP_REQUEST, &Settings());
    parser_.data = this;
  }
  // parser_.data points at this object, so it must stay where it was built.
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  ParseError Feed(const char* data, size_t len, std::vector<Request>* out);

  // llhttp event handlers. Each returns 0 to go on, or HPE_USER (via Fail) to stop.
  int OnMessageBegin();
  int OnUrl(const char* at, size_t len);
  int OnMethodComplete();
  int OnVersion(const char* at, size_t len);
  int OnHeaderField(const char* at, size_t len);
  int OnHeaderFieldComplete();
  int OnHeaderValue(const char* at, size_t len);
  int OnHeaderValueComplete();
  int OnHeadersComplete();
  int OnChunkHeader();
  int OnBody(const char* at, size_t len);
  int OnMessageComplete();

  // The single place each limit is checked.
  int CheckUrlBytes(size_t total);
  int AddHeaderBytes(size_t added);
  int CheckHeaderCount(size_t count);
  int CheckBodyBytes(uint64_t received, uint64_t more);

  // Strict framing checks (see parser.h).
  int CheckHeadSemantics();
  int CheckChunkCrlf(const char* p, const char* end);
  // The byte `back` positions before `p` (a pointer into the buffer being fed), looking into the
  // tail of earlier feeds when needed; '\0' if it was never seen.
  char ByteBefore(const char* p, size_t back) const;
  void KeepTail(const char* data, size_t len);

  int Fail(ParseError error, const char* reason);
  ParseError OnExecuteError(llhttp_errno_t err);

  // C trampolines: recover Impl from llhttp_t::data and call the member handler. noexcept so
  // that no exception unwinds through llhttp's C frames.
  template <int (Impl::*kHandler)()>
  static int Event(llhttp_t* parser) noexcept {
    return (static_cast<Impl*>(parser->data)->*kHandler)();
  }
  template <int (Impl::*kHandler)(const char*, size_t)>
  static int Data(llhttp_t* parser, const char* at, size_t len) noexcept {
    return (static_cast<Impl*>(parser->data)->*kHandler)(at, len);
  }
  static const llhttp_settings_t& Settings();

  const Limits limits_;
  llhttp_t parser_;
  std::vector<Request>* out_ = nullptr;  // valid only during Feed()
  Request current_;
  size_t header_bytes_ = 0;     // names + values of the current message, trailers included
  size_t header_count_ = 0;     // fields of the current message, trailers included
  bool header_open_ = false;    // a field has started and its value is not complete yet
  size_t field_bytes_ = 0;      // length of the current field name
  bool value_started_ = false;  // the current field's value has had its first span
  bool version_seen_ = false;
  bool continue_owed_ = false;
  int chunk_crlf_left_ = 0;           // bytes of the CRLF after chunk data not yet checked (0..2)
  const char* feed_begin_ = nullptr;  // the buffer being fed, valid only during Feed()
  const char* feed_end_ = nullptr;
  // The last bytes fed before feed_begin_ (most recent last), for ByteBefore: enough for the
  // request-line checks and for the whitespace between a colon and a value.
  std::array<char, 64> tail_{};
  size_t tail_size_ = 0;
  bool in_message_ = false;
  bool headers_complete_ = false;
  // The peer sent a message that ends the connection; later bytes are ignored, not an error.
  bool closed_ = false;
  ParseError error_ = ParseError::kNone;
  std::string reason_;
};

const llhttp_settings_t& RequestParser::Impl::Settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &Event<&Impl::OnMessageBegin>;
    s.on_url = &Data<&Impl::OnUrl>;
    s.on_method_complete = &Event<&Impl::OnMethodComplete>;
    s.on_version = &Data<&Impl::OnVersion>;
    s.on_header_field = &Data<&Impl::OnHeaderField>;
    s.on_header_field_complete = &Event<&Impl::OnHeaderFieldComplete>;
    s.on_header_value = &Data<&Impl::OnHeaderValue>;
    s.on_header_value_complete = &Event<&Impl::OnHeaderValueComplete>;
    s.on_headers_complete = &Event<&Impl::OnHeadersComplete>;
    s.on_chunk_header = &Event<&Impl::OnChunkHeader>;
    s.on_body = &Data<&Impl::OnBody>;
    s.on_message_complete = &Event<&Impl::OnMessageComplete>;
    return s;
  }();
  return settings;
}

ParseError RequestParser::Impl::Feed(const char* data, size_t len, std::vector<Request>* out) {
  if (error_ != ParseError::kNone || closed_) return error_;
  // The CRLF after a chunk's data may arrive in a later read than the data.
  if (chunk_crlf_left_ > 0 && CheckChunkCrlf(data, data + len) != 0) return error_;
  out_ = out;
  feed_begin_ = data;
  feed_end_ = data + len;
  llhttp_errno_t err = llhttp_execute(&parser_, data, len);
  feed_begin_ = feed_end_ = nullptr;
  out_ = nullptr;
  KeepTail(data, len);
  return err == HPE_OK ? ParseError::kNone : OnExecuteError(err);
}

void RequestParser::Impl::KeepTail(const char* data, size_t len) {
  const size_t keep = std::min(len, tail_.size());
  const size_t old_keep = std::min(tail_size_, tail_.size() - keep);
  std::memmove(tail_.data(), tail_.data() + tail_size_ - old_keep, old_keep);
  std::memcpy(tail_.data() + old_keep, data + len - keep, keep);
  tail_size_ = old_keep + keep;
}

char RequestParser::Impl::ByteBefore(const char* p, size_t back) const {
  const size_t in_feed = static_cast<size_t>(p - feed_begin_);
  if (back <= in_feed) return p[-static_cast<ptrdiff_t>(back)];
  const size_t from_tail = back - in_feed;
  return from_tail <= tail_size_ ? tail_[tail_size_ - from_tail] : '\0';
}

ParseError RequestParser::Impl::OnExecuteError(llhttp_errno_t err) {
  // A limit breach was recorded by the callback; llhttp's own code for it (HPE_USER, or
  // HPE_CB_HEADERS_COMPLETE when raised from on_headers_complete) says nothing more.
  if (error_ != ParseError::kNone) return error_;
  if (err == HPE_CLOSED_CONNECTION) {
    // Bytes after a request that closes the connection are never answered, so they are
    // dropped rather than turned into a 400 that would follow the real response.
    closed_ = true;
    return ParseError::kNone;
  }
  if (err == HPE_PAUSED_UPGRADE) {
    // Unreachable while OnHeadersComplete rejects upgrades; kept so a change there stays safe.
    error_ = ParseError::kUnsupported;
    reason_ = "protocol upgrade is not supported";
    return error_;
  }
  error_ = ParseError::kMalformed;
  reason_ = llhttp_errno_name(err);
  if (const char* detail = llhttp_get_error_reason(&parser_); detail != nullptr) {
    reason_.append(": ").append(detail);
  }
  return error_;
}

int RequestParser::Impl::Fail(ParseError error, const char* reason) {
  error_ = error;
  reason_ = reason;
  llhttp_set_error_reason(&parser_, reason);  // `reason` is a literal: it outlives the parser
  return HPE_USER;
}

int RequestParser::Impl::OnMessageBegin() {
  current_ = Request{};
  header_bytes_ = 0;
  header_count_ = 0;
  header_open_ = false;
  field_bytes_ = 0;
  version_seen_ = false;
  continue_owed_ = false;
  in_message_ = true;
  headers_complete_ = false;
  return 0;
}

int RequestParser::Impl::OnUrl(const char* at, size_t len) {
  // Exactly one space between method and target (llhttp skips any number).
  if (current_.target.empty() && ByteBefore(at, 2) == ' ') {
    return Fail(ParseError::kMalformed, "more than one space in the request line");
  }
  if (int err = CheckUrlBytes(current_.target.size() + len); err != 0) return err;
  current_.target.append(at, len);
  return 0;
}

int RequestParser::Impl::OnMethodComplete() {
  current_.method = ToMethod(parser_.method);
  // llhttp accepts only the methods it knows, so its name is exactly what the client sent.
  current_.method_name = llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
  return 0;
}

int RequestParser::Impl::OnVersion(const char* at, size_t len) {
  // The span starts after "HTTP/"; the byte before the space before it ends the target.
  if (!version_seen_ && ByteBefore(at, 7) == ' ') {
    return Fail(ParseError::kMalformed, "more than one space in the request line");
  }
  version_seen_ = true;
  return 0;
}

int RequestParser::Impl::OnHeaderField(const char* at, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (!IsTokenChar(static_cast<unsigned char>(at[i]))) {
      return Fail(ParseError::kMalformed, "invalid character in a header field name");
    }
  }
  field_bytes_ += len;
  if (!header_open_) {
    header_open_ = true;
    if (int err = CheckHeaderCount(++header_count_); err != 0) return err;
    // Trailers of a chunked body count against the limits but are not kept: letting them
    // arrive as headers after the fact would let a client add fields nobody checked.
    if (!headers_complete_) current_.headers.emplace_back();
  }
  if (int err = AddHeaderBytes(len); err != 0) return err;
  if (!headers_complete_) AppendLowerCase(&current_.headers.back().name, at, len);
  return 0;
}

int RequestParser::Impl::OnHeaderFieldComplete() {
  if (field_bytes_ == 0) return Fail(ParseError::kMalformed, "empty header field name");
  field_bytes_ = 0;
  value_started_ = false;
  return 0;
}

int RequestParser::Impl::OnHeaderValue(const char* at, size_t len) {
  // llhttp joins an obs-fold continuation line to the value: as a further span that starts
  // right after the line break, or, when the value was empty, as its first span. A value's first
  // span follows the colon and optional whitespace; a later one never follows a '\n' (a value
  // split across reads does not contain one).
  if (len == 0) {
    // An empty span carries nothing; a continuation after it comes as a span of its own.
  } else if (!value_started_) {
    value_started_ = true;
    size_t back = 1;
    char c = ByteBefore(at, back);
    while ((c == ' ' || c == '\t') && back < tail_.size()) c = ByteBefore(at, ++back);
    if (c != ':') return Fail(ParseError::kMalformed, "obsolete line folding in a header field");
  } else if (ByteBefore(at, 1) == '\n') {
    return Fail(ParseError::kMalformed, "obsolete line folding in a header field");
  }
  if (int err = AddHeaderBytes(len); err != 0) return err;
  if (!headers_complete_) current_.headers.back().value.append(at, len);
  return 0;
}

int RequestParser::Impl::OnHeaderValueComplete() {
  header_open_ = false;
  return 0;
}

int RequestParser::Impl::OnHeadersComplete() {
  headers_complete_ = true;
  current_.http_major = parser_.http_major;
  current_.http_minor = parser_.http_minor;
  // llhttp sets `upgrade` for CONNECT and for "Upgrade" with "Connection: upgrade"; either way
  // the rest of the stream would be another protocol, which the gateway does not speak.
  if (parser_.upgrade != 0 || parser_.method == HTTP_CONNECT) {
    return Fail(ParseError::kUnsupported, "CONNECT and protocol upgrades are not supported");
  }
  if (int err = CheckHeadSemantics(); err != 0) return err;
  // content_length is the declared length here (0 for chunked or no body), so an oversized
  // body is refused before any of it is read (and before a 100 Continue invites it).
  if (int err = CheckBodyBytes(0, parser_.content_length); err != 0) return err;
  current_.body.reserve(std::min(parser_.content_length, kMaxBodyReserveBytes) + kBodySpareBytes);
  return 0;
}

// What llhttp accepts but RFC 9112 does not, or what cannot be forwarded to the worker.
int RequestParser::Impl::CheckHeadSemantics() {
  if (current_.http_major != 1 || current_.http_minor > 1) {
    return Fail(ParseError::kMalformed, "unsupported HTTP version");
  }
  size_t hosts = 0;
  const std::string* expect = nullptr;
  for (const Header& h : current_.headers) {
    if (h.name == "host") ++hosts;
    if (h.name == "expect") expect = &h.value;
    if (!IsValidUtf8(h.value)) {
      return Fail(ParseError::kMalformed, "a header field value is not valid UTF-8");
    }
  }
  if (!IsValidUtf8(current_.target)) {
    return Fail(ParseError::kMalformed, "the request target is not valid UTF-8");
  }
  if (hosts > 1 || (hosts == 0 && current_.http_minor == 1)) {
    return Fail(ParseError::kMalformed, "an HTTP/1.1 request needs exactly one Host header");
  }
  // An Expect from an HTTP/1.0 client is ignored (RFC 9110 §10.1.1).
  if (expect != nullptr && current_.http_minor == 1) {
    if (!http::EqualsIgnoringAsciiCase(TrimSpaces(*expect), "100-continue")) {
      return Fail(ParseError::kExpectation, "the only expectation supported is 100-continue");
    }
    continue_owed_ = parser_.content_length > 0 || (parser_.flags & F_CHUNKED) != 0;
  }
  return 0;
}

int RequestParser::Impl::OnChunkHeader() {
  // content_length is this chunk's declared size: a chunk that cannot fit is refused now,
  // instead of waiting for bytes that would be refused anyway.
  return CheckBodyBytes(current_.body.size(), parser_.content_length);
}

int RequestParser::Impl::OnBody(const char* at, size_t len) {
  continue_owed_ = false;
  if (int err = CheckBodyBytes(current_.body.size(), len); err != 0) return err;
  current_.body.append(at, len);
  // The chunk's data ends here: llhttp 8.1 skips the next two bytes whatever they are, which
  // lets "2\r\n{}ZZ..." smuggle a second request. They must be CRLF.
  if ((parser_.flags & F_CHUNKED) != 0 && parser_.content_length == 0) {
    chunk_crlf_left_ = 2;
    return CheckChunkCrlf(at + len, feed_end_);
  }
  return 0;
}

int RequestParser::Impl::CheckChunkCrlf(const char* p, const char* end) {
  for (; chunk_crlf_left_ > 0 && p < end; ++p, --chunk_crlf_left_) {
    const char expected = chunk_crlf_left_ == 2 ? '\r' : '\n';
    if (*p != expected) return Fail(ParseError::kMalformed, "expected CRLF after chunk data");
  }
  return 0;
}

int RequestParser::Impl::OnMessageComplete() {
  continue_owed_ = false;
  current_.keep_alive = llhttp_should_keep_alive(&parser_) != 0;
  in_message_ = false;
  headers_complete_ = false;
  out_->push_back(std::move(current_));
  current_ = Request{};
  return 0;
}

int RequestParser::Impl::CheckUrlBytes(size_t total) {
  if (total <= limits_.max_url_bytes) return 0;
  return Fail(ParseError::kUrlTooLong, "request target exceeds the URL size limit");
}

int RequestParser::Impl::AddHeaderBytes(size_t added) {
  header_bytes_ += added;
  if (header_bytes_ <= limits_.max_header_bytes) return 0;
  return Fail(ParseError::kHeadersTooLarge, "header fields exceed the header size limit");
}

int RequestParser::Impl::CheckHeaderCount(size_t count) {
  if (count <= limits_.max_header_count) return 0;
  return Fail(ParseError::kHeadersTooLarge, "too many header fields");
}

// `more` may be a peer's declared length (up to 2^64 - 1), so the sums saturate.
int RequestParser::Impl::CheckBodyBytes(uint64_t received, uint64_t more) {
  const uint64_t body = more > UINT64_MAX - received ? UINT64_MAX : received + more;
  if (body > limits_.max_body_bytes) {
    return Fail(ParseError::kBodyTooLarge, "request body exceeds the body size limit");
  }
  // Everything the request brings into the call message to the worker.
  const uint64_t head = current_.target.size() + header_bytes_;
  if (body > UINT64_MAX - head || body + head > limits_.max_forward_bytes) {
    return Fail(ParseError::kBodyTooLarge, "request exceeds the worker message size limit");
  }
  return 0;
}

RequestParser::RequestParser(const Limits& limits) : impl_(std::make_unique<Impl>(limits)) {}

RequestParser::~RequestParser() = default;

ParseError RequestParser::Feed(const char* data, size_t len, std::vector<Request>* out) {
  return impl_->Feed(data, len, out);
}

bool RequestParser::InHeaders() const { return impl_->in_message_ && !impl_->headers_complete_; }

bool RequestParser::InMessage() const { return impl_->in_message_; }

bool RequestParser::TakeContinue() { return std::exchange(impl_->continue_owed_, false); }

const std::string& RequestParser::ErrorReason() const { return impl_->reason_; }

}  // namespace gw::http
