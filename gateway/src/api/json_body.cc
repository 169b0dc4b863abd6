#include "api/json_body.h"

#include "http/ascii.h"

// simdjson 3.0.1's inline code trips GCC 12's -O2 flow warnings in its own header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/json_error_locator.h"

// Deviations from the original, all on bodies no real client sends:
// - NaN, Infinity and -Infinity are malformed here (simdjson refuses them; the locator reports
//   "Expecting value" at them). Python accepts them.
// - Nesting deeper than simdjson's limit is a 422 json_invalid with "Maximum nesting depth
//   exceeded"; Python fails with RecursionError at about the same depth, which FastAPI turns
//   into 400 "There was an error parsing the body".
// - Only UTF-8 is accepted; Python's json.loads(bytes) would also decode UTF-16 and UTF-32.
// - A non-JSON Content-Type with a body that is not UTF-8 gets the dict_type 422 with U+FFFD in
//   place of the bad bytes; FastAPI fails to encode its error and answers 500.

namespace gw::api {

static_assert(kJsonBodyPadding == simdjson::SIMDJSON_PADDING);
static_assert(kJsonMaxDepth == simdjson::DEFAULT_MAX_DEPTH);

namespace {

constexpr int kStatusBadRequest = 400;
constexpr int kStatusUnprocessable = 422;

constexpr std::string_view kBomUtf8 = "\xEF\xBB\xBF";
constexpr std::string_view kUnparsableBody = R"({"detail":"There was an error parsing the body"})";
constexpr std::string_view kDictTypeHead =
    R"({"detail":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary","input":)";
constexpr std::string_view kDictTypeTail =
    R"(,"url":"https://errors.pydantic.dev/2.6/v/dict_type"}]})";
constexpr std::string_view kJsonInvalidHead = R"({"detail":[{"type":"json_invalid","loc":["body",)";
constexpr std::string_view kJsonInvalidMiddle =
    R"(],"msg":"JSON decode error","input":{},"ctx":{"error":)";
constexpr std::string_view kJsonInvalidTail = "}}]}";

// ---- Writing values as Python's json.dumps(ensure_ascii=False, separators=(",", ":")) ----

// Length of the well-formed UTF-8 sequence at text[i] (strict: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 if it is not one.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;  // bounds of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = i + 2; k < i + length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

void AppendEscapedAscii(unsigned char c, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  if (c < 0x20) {
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  } else {
    out += static_cast<char>(c);
  }
}

// A JSON string literal for `text`: quotes, backslashes and control characters escaped, other
// characters raw, and any byte that is not part of well-formed UTF-8 replaced by U+FFFD so the
// response is always valid JSON.
void AppendPythonJsonString(std::string_view text, std::string& out) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      AppendEscapedAscii(c, out);
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  out += '"';
}

// Python's repr(float): the shortest digits that round-trip, in fixed notation for decimal
// exponents -4..15 (always with a fractional part) and scientific notation otherwise.
void AppendPythonFloat(double value, std::string& out) {
  char buffer[40];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view scientific(buffer, static_cast<size_t>(end - buffer));  // "-d.ddde+XX"
  if (!scientific.empty() && scientific.front() == '-') {
    out += '-';
    scientific.remove_prefix(1);
  }
  const size_t e_pos = scientific.find('e');
  std::string digits(1, scientific.front());
  if (e_pos > 1) digits.append(scientific.substr(2, e_pos - 2));
  std::string_view exponent_text = scientific.substr(e_pos + 1);
  if (exponent_text.front() == '+') exponent_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);

  if (exponent < -4 || exponent >= 16) {
    out += digits.front();
    if (digits.size() > 1) out.append(".").append(digits, 1);
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
  } else if (exponent < 0) {
    out.append("0.").append(static_cast<size_t>(-exponent - 1), '0').append(digits);
  } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
    out.append(digits).append(static_cast<size_t>(exponent) + 1 - digits.size(), '0') += ".0";
  } else {
    const size_t point = static_cast<size_t>(exponent) + 1;
    out.append(digits, 0, point).append(".").append(digits, point);
  }
}

template <typename Integer>
void AppendInteger(Integer value, std::string& out) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void AppendPythonJson(simdjson::dom::element value, std::string& out);

// A Python dict keeps the first position and the last value of a repeated key.
void AppendPythonObject(simdjson::dom::object object, std::string& out) {
  std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
  std::unordered_map<std::string_view, size_t> index_of;
  for (const auto field : object) {
    const auto [it, inserted] = index_of.try_emplace(field.key, fields.size());
    if (inserted) {
      fields.emplace_back(field.key, field.value);
    } else {
      fields[it->second].second = field.value;
    }
  }
  out += '{';
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendPythonJsonString(fields[i].first, out);
    out += ':';
    AppendPythonJson(fields[i].second, out);
  }
  out += '}';
}

// Recursion is bounded by the parser's depth limit.
void AppendPythonJson(simdjson::dom::element value, std::string& out) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::ARRAY: {
      out += '[';
      bool first = true;
      // A named copy: value_unsafe() on the temporary result returns a reference into it.
      const simdjson::dom::array array = value.get_array().value_unsafe();
      for (const auto item : array) {
        if (!first) out += ',';
        first = false;
        AppendPythonJson(item, out);
      }
      out += ']';
      return;
    }
    case element_type::OBJECT:
      return AppendPythonObject(value.get_object().value_unsafe(), out);
    case element_type::INT64:
      return AppendInteger(value.get_int64().value_unsafe(), out);
    case element_type::UINT64:
      return AppendInteger(value.get_uint64().value_unsafe(), out);
    case element_type::DOUBLE:
      return AppendPythonFloat(value.get_double().value_unsafe(), out);
    case element_type::STRING:
      return AppendPythonJsonString(value.get_string().value_unsafe(), out);
    case element_type::BOOL:
      out += value.get_bool().value_unsafe() ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

// Valid JSON text without the whitespace between tokens: the best rendering of a value simdjson
// could not represent (a number beyond 64 bits or double range, a lone surrogate escape).
std::string CompactJsonText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      in_string = escaped || c != '"';
      escaped = !escaped && c == '\\';
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      continue;
    } else {
      in_string = c == '"';
    }
    out += c;
  }
  return out;
}

// ---- Verdicts ----

BodyCheck Accepted(BodyVerdict verdict) { return BodyCheck{verdict, 0, {}}; }

BodyCheck Invalid(int status, std::string body) {
  return BodyCheck{BodyVerdict::kInvalid, status, std::move(body)};
}

BodyCheck UnparsableBody() { return Invalid(kStatusBadRequest, std::string(kUnparsableBody)); }

// pydantic's dict_type error; `input_json` is the offending input already written as JSON.
BodyCheck NotADictionary(std::string_view input_json) {
  std::string body;
  body.reserve(kDictTypeHead.size() + input_json.size() + kDictTypeTail.size());
  body.append(kDictTypeHead).append(input_json).append(kDictTypeTail);
  return Invalid(kStatusUnprocessable, std::move(body));
}

// FastAPI's json_invalid error for a json.JSONDecodeError with this .pos and .msg.
BodyCheck MalformedJson(size_t char_offset, std::string_view message) {
  std::string body(kJsonInvalidHead);
  AppendInteger(char_offset, body);
  body.append(kJsonInvalidMiddle);
  AppendPythonJsonString(message, body);
  body.append(kJsonInvalidTail);
  return Invalid(kStatusUnprocessable, std::move(body));
}

bool IsPythonSpace(unsigned char c) {
  // str.strip() on the latin-1 decoded header value.
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0;
}

}  // namespace

bool IsJsonContentType(std::string_view value) {
  // FastAPI: an empty value is JSON; otherwise email.message's get_content_type(): the part
  // before ';', stripped and lower-cased, must have exactly one '/'.
  if (value.empty()) return true;
  value = value.substr(0, value.find(';'));
  while (!value.empty() && IsPythonSpace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && IsPythonSpace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos || value.find('/', slash + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view subtype = value.substr(slash + 1);
  return http::EqualsIgnoringAsciiCase(value.substr(0, slash), "application") &&
         (http::EqualsIgnoringAsciiCase(subtype, "json") ||
          (subtype.size() >= 5 &&
           http::EqualsIgnoringAsciiCase(subtype.substr(subtype.size() - 5), "+json")));
}

struct JsonBodyChecker::Impl {
  explicit Impl(size_t max_retained) : max_retained_parser_bytes(max_retained) {}

  // `text` is the body without its byte order mark, with kJsonBodyPadding readable bytes after it.
  BodyCheck Classify(std::string_view text) {
    simdjson::dom::element root;
    const simdjson::error_code error =
        parser.parse(text.data(), text.size(), /*realloc_if_needed=*/false).get(root);
    if (error != simdjson::SUCCESS) return OnParseError(error, text);
    switch (root.type()) {
      case simdjson::dom::element_type::NULL_VALUE:
        return Accepted(BodyVerdict::kUseExample);
      case simdjson::dom::element_type::OBJECT:
        return Accepted(BodyVerdict::kObject);
      default: {
        std::string input;
        AppendPythonJson(root, input);
        return NotADictionary(input);
      }
    }
  }

  // Cold path: find out what Python would have said.
  BodyCheck OnParseError(simdjson::error_code error, std::string_view text) {
    // Python decodes the bytes before parsing, so bad UTF-8 anywhere wins over any JSON error.
    if (error == simdjson::UTF8_ERROR || !simdjson::validate_utf8(text.data(), text.size())) {
      return UnparsableBody();
    }
    const JsonScanResult scan = LocateJsonError(text);
    if (!scan.valid) return MalformedJson(scan.char_offset, scan.message);
    // The locator and simdjson share one depth limit; should they ever disagree, the refusal
    // stands rather than forwarding a body the gateway could not parse.
    if (error == simdjson::DEPTH_ERROR) return MalformedJson(0, kJsonDepthMessage);
    // Valid for Python, refused by simdjson: a number beyond 64 bits or double range, or a lone
    // surrogate escape. Python's json takes them, so the gateway does too.
    if (scan.top_level_object) return Accepted(BodyVerdict::kObject);
    return NotADictionary(CompactJsonText(text));
  }

  void ReleaseLargeBuffers() {
    if (parser.capacity() > max_retained_parser_bytes) {
      // On failure the parser is left empty and allocates again on the next call.
      [[maybe_unused]] const simdjson::error_code error =
          parser.allocate(max_retained_parser_bytes, parser.max_depth());
    }
  }

  simdjson::dom::parser parser;
  size_t max_retained_parser_bytes;
};

JsonBodyChecker::JsonBodyChecker(size_t max_retained_parser_bytes)
    : impl_(std::make_unique<Impl>(max_retained_parser_bytes)) {}

JsonBodyChecker::~JsonBodyChecker() = default;

BodyCheck JsonBodyChecker::Check(const std::string* content_type, std::string& body) {
  // FastAPI treats an empty body as missing before it looks at the Content-Type.
  if (body.empty()) return Accepted(BodyVerdict::kUseExample);
  if (content_type != nullptr && !IsJsonContentType(*content_type)) {
    // Not parsed as JSON, as the original: pydantic validates the raw text as a dict and fails.
    // This also closes a CSRF hole: text/plain, form-urlencoded and multipart/form-data are the
    // types a browser sends cross-site without a preflight, so a JSON object under them must not
    // start a job.
    std::string input;
    AppendPythonJsonString(body, input);
    return NotADictionary(input);
  }
  if (body.capacity() < body.size() + kJsonBodyPadding) {
    body.reserve(body.size() + kJsonBodyPadding);
  }
  // json.loads(bytes) decodes with utf-8-sig when a BOM leads, so positions start after it.
  const size_t bom = std::string_view(body).starts_with(kBomUtf8) ? kBomUtf8.size() : 0;
  BodyCheck check = impl_->Classify(std::string_view(body).substr(bom));
  impl_->ReleaseLargeBuffers();
  if (check.verdict == BodyVerdict::kObject && bom != 0) body.erase(0, bom);
  return check;
}

}  // namespace gw::api
