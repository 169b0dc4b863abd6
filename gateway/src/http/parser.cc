// RequestParser over llhttp: each llhttp event reaches one member of Impl through a noexcept
// trampoline, and every size limit is checked in exactly one member. Impl owns the llhttp state
// and the request being assembled; complete requests are moved into the caller's vector.
#include "http/parser.h"

#include <llhttp.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

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
  int OnHeaderField(const char* at, size_t len);
  int OnHeaderValue(const char* at, size_t len);
  int OnHeaderValueComplete();
  int OnHeadersComplete();
  int OnBody(const char* at, size_t len);
  int OnMessageComplete();

  // The single place each limit is checked.
  int CheckUrlBytes(size_t total);
  int AddHeaderBytes(size_t added);
  int CheckHeaderCount(size_t count);
  int CheckBodyBytes(uint64_t total);

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
  size_t header_bytes_ = 0;   // names + values of the current message, trailers included
  size_t header_count_ = 0;   // fields of the current message, trailers included
  bool header_open_ = false;  // a field has started and its value is not complete yet
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
    s.on_header_field = &Data<&Impl::OnHeaderField>;
    s.on_header_value = &Data<&Impl::OnHeaderValue>;
    s.on_header_value_complete = &Event<&Impl::OnHeaderValueComplete>;
    s.on_headers_complete = &Event<&Impl::OnHeadersComplete>;
    s.on_body = &Data<&Impl::OnBody>;
    s.on_message_complete = &Event<&Impl::OnMessageComplete>;
    return s;
  }();
  return settings;
}

ParseError RequestParser::Impl::Feed(const char* data, size_t len, std::vector<Request>* out) {
  if (error_ != ParseError::kNone || closed_) return error_;
  out_ = out;
  llhttp_errno_t err = llhttp_execute(&parser_, data, len);
  out_ = nullptr;
  return err == HPE_OK ? ParseError::kNone : OnExecuteError(err);
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
  in_message_ = true;
  headers_complete_ = false;
  return 0;
}

int RequestParser::Impl::OnUrl(const char* at, size_t len) {
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

int RequestParser::Impl::OnHeaderField(const char* at, size_t len) {
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

int RequestParser::Impl::OnHeaderValue(const char* at, size_t len) {
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
  // content_length is the declared length here (0 for chunked or no body), so an oversized
  // body is refused before any of it is read.
  if (int err = CheckBodyBytes(parser_.content_length); err != 0) return err;
  current_.body.reserve(std::min(parser_.content_length, kMaxBodyReserveBytes) + kBodySpareBytes);
  return 0;
}

int RequestParser::Impl::OnBody(const char* at, size_t len) {
  if (int err = CheckBodyBytes(current_.body.size() + len); err != 0) return err;
  current_.body.append(at, len);
  return 0;
}

int RequestParser::Impl::OnMessageComplete() {
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

int RequestParser::Impl::CheckBodyBytes(uint64_t total) {
  if (total <= limits_.max_body_bytes) return 0;
  return Fail(ParseError::kBodyTooLarge, "request body exceeds the body size limit");
}

RequestParser::RequestParser(const Limits& limits) : impl_(std::make_unique<Impl>(limits)) {}

RequestParser::~RequestParser() = default;

ParseError RequestParser::Feed(const char* data, size_t len, std::vector<Request>* out) {
  return impl_->Feed(data, len, out);
}

bool RequestParser::InHeaders() const { return impl_->in_message_ && !impl_->headers_complete_; }

bool RequestParser::InMessage() const { return impl_->in_message_; }

const std::string& RequestParser::ErrorReason() const { return impl_->reason_; }

}  // namespace gw::http
