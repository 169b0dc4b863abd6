// Incremental HTTP/1.x request codec over llhttp. It knows nothing of sockets: feed it bytes,
// collect complete requests. Pipelined requests in one buffer all come out, in order.
// Size limits and strict RFC 9112 framing are enforced here; a breach stops parsing with a
// ParseError. llhttp 8.1 is lenient in places where request smuggling lives (the CRLF after chunk
// data, header-name characters, obs-fold, spacing in the request line), so those are checked
// here on the raw bytes around llhttp's spans.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/limits.h"
#include "http/request.h"

namespace gw::http {

enum class ParseError {
  kNone,
  kMalformed,        // 400
  kUrlTooLong,       // 414
  kHeadersTooLarge,  // 431 (header bytes or count)
  kBodyTooLarge,     // 413
  kUnsupported,      // 501: Upgrade / CONNECT
  kExpectation,      // 417: an Expect other than 100-continue
};

class RequestParser {
 public:
  explicit RequestParser(const Limits& limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses `len` bytes. Each complete request is appended to `out`. Returns kNone, or the first
  // error; after an error the parser stays failed (the connection answers and closes).
  ParseError Feed(const char* data, size_t len, std::vector<Request>* out);

  // True while a request has started (at least one byte seen) but its headers are not complete:
  // the connection's header timeout runs only then.
  bool InHeaders() const;
  // True while a request has started and is not yet complete.
  bool InMessage() const;
  // True once per request whose client sent "Expect: 100-continue" and waits for a go-ahead
  // before its body: the connection then writes "100 Continue" (when no earlier response is
  // pending). False again once any body byte arrived.
  bool TakeContinue();
  // Human-readable reason for the last error (llhttp's reason or the limit hit).
  const std::string& ErrorReason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::http
