#include "api/json_error_locator.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace gw::api {
namespace {

// Python's messages, verbatim (CPython 3.11 Modules/_json.c and Lib/json/decoder.py).
constexpr std::string_view kExpectingValue = "Expecting value";
constexpr std::string_view kExpectingComma = "Expecting ',' delimiter";
constexpr std::string_view kExpectingColon = "Expecting ':' delimiter";
constexpr std::string_view kExpectingKey = "Expecting property name enclosed in double quotes";
constexpr std::string_view kUnterminatedString = "Unterminated string starting at";
constexpr std::string_view kControlCharacter = "Invalid control character at";
constexpr std::string_view kInvalidEscape = "Invalid \\escape";
constexpr std::string_view kInvalidUnicodeEscape = "Invalid \\uXXXX escape";
constexpr std::string_view kExtraData = "Extra data";

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSimpleEscape(char c) {
  return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
         c == 't';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Python indexes the decoded str, so a byte offset becomes the number of code points before it:
// the bytes that do not continue a multi-byte sequence.
size_t CountCodePoints(std::string_view text, size_t byte_end) {
  size_t count = 0;
  for (size_t i = 0; i < byte_end && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// A transcription of CPython's C scanner (scan_once_unicode and the functions it calls) into an
// explicit state machine. Positions are byte offsets until the result is built. Each step returns
// false once it has recorded the failure.
class Scanner {
 public:
  Scanner(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

  JsonScanResult Run() {
    SkipWhitespace();
    JsonScanResult result;
    result.top_level_object = pos_ < text_.size() && text_[pos_] == '{';
    Expect next = Expect::kValue;
    while (next != Expect::kDone) {
      if (!Step(next)) return Failure();
    }
    SkipWhitespace();
    if (pos_ != text_.size()) {
      Fail(pos_, kExtraData);
      return Failure();
    }
    result.valid = true;
    return result;
  }

 private:
  enum class Expect { kValue, kKey, kAfterValue, kDone };

  bool Step(Expect& next) {
    switch (next) {
      case Expect::kValue:
        return ScanValue(next);
      case Expect::kKey:
        return ScanKey(next);
      case Expect::kAfterValue:
        return ScanAfterValue(next);
      case Expect::kDone:
        break;
    }
    return true;
  }

  bool Fail(size_t pos, std::string_view message) {
    fail_pos_ = pos;
    fail_message_ = message;
    return false;
  }

  JsonScanResult Failure() const {
    JsonScanResult result;
    result.char_offset = CountCodePoints(text_, fail_pos_);
    result.message = fail_message_;
    return result;
  }

  void SkipWhitespace() {
    while (pos_ < text_.size() && IsWhitespace(text_[pos_])) ++pos_;
  }

  bool At(size_t i, char c) const { return i < text_.size() && text_[i] == c; }

  // scan_once_unicode: a value starts at pos_ (whitespace already skipped by the caller).
  bool ScanValue(Expect& next) {
    if (pos_ >= text_.size()) return Fail(pos_, kExpectingValue);
    next = Expect::kAfterValue;
    switch (text_[pos_]) {
      case '"':
        return ScanString();
      case '{':
        return OpenContainer('{', '}', next);
      case '[':
        return OpenContainer('[', ']', next);
      case 'n':
        if (ScanLiteral("null")) return true;
        break;
      case 't':
        if (ScanLiteral("true")) return true;
        break;
      case 'f':
        if (ScanLiteral("false")) return true;
        break;
      default:
        // NaN, Infinity and -Infinity are deliberately not recognised (see the header); they
        // end up in ScanNumber, which reports "Expecting value" at their first character.
        break;
    }
    return ScanNumber();
  }

  bool ScanLiteral(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  // _parse_object_unicode / _parse_array_unicode up to their first member.
  bool OpenContainer(char open, char close, Expect& next) {
    const size_t at = pos_;
    ++pos_;
    SkipWhitespace();
    if (At(pos_, close)) {
      ++pos_;
      next = Expect::kAfterValue;
      return true;
    }
    if (stack_.size() + 1 >= max_depth_) return Fail(at, kJsonDepthMessage);
    stack_.push_back(open);
    next = open == '{' ? Expect::kKey : Expect::kValue;
    return true;
  }

  // An object member's key and the colon after it.
  bool ScanKey(Expect& next) {
    if (!At(pos_, '"')) return Fail(pos_, kExpectingKey);
    if (!ScanString()) return false;
    SkipWhitespace();
    if (!At(pos_, ':')) return Fail(pos_, kExpectingColon);
    ++pos_;
    SkipWhitespace();
    next = Expect::kValue;
    return true;
  }

  // After a member: close the innermost container, or find the comma before the next member.
  bool ScanAfterValue(Expect& next) {
    if (stack_.empty()) {
      next = Expect::kDone;
      return true;
    }
    SkipWhitespace();
    const bool in_object = stack_.back() == '{';
    if (At(pos_, in_object ? '}' : ']')) {
      ++pos_;
      stack_.pop_back();
      return true;
    }
    if (!At(pos_, ',')) return Fail(pos_, kExpectingComma);
    ++pos_;
    SkipWhitespace();
    next = in_object ? Expect::kKey : Expect::kValue;
    return true;
  }

  // scanstring_unicode (strict): pos_ is at the opening quote; ends past the closing one.
  bool ScanString() {
    const size_t begin = pos_;
    size_t i = pos_ + 1;
    while (true) {
      while (i < text_.size() && text_[i] != '"' && text_[i] != '\\') {
        if (static_cast<unsigned char>(text_[i]) <= 0x1F) return Fail(i, kControlCharacter);
        ++i;
      }
      if (i >= text_.size()) return Fail(begin, kUnterminatedString);
      if (text_[i] == '"') {
        pos_ = i + 1;
        return true;
      }
      ++i;  // past the backslash
      if (i >= text_.size()) return Fail(begin, kUnterminatedString);
      if (text_[i] != 'u') {
        if (!IsSimpleEscape(text_[i])) return Fail(i - 1, kInvalidEscape);
        ++i;
      } else if (!ScanUnicodeEscape(i)) {
        return false;
      }
    }
  }

  // `i` is at the 'u' of "\uXXXX"; moves past the escape, and past a low surrogate escape that
  // completes a pair. Python reports bad escapes at the 'u', and insists on one more character
  // after the four digits (the closing quote at the least).
  bool ScanUnicodeEscape(size_t& i) {
    const size_t end = i + 5;
    if (end >= text_.size()) return Fail(i, kInvalidUnicodeEscape);
    uint32_t unit = 0;
    if (!ReadHex4(i + 1, unit)) return Fail(i, kInvalidUnicodeEscape);
    i = end;
    const bool high_surrogate = unit >= 0xD800 && unit <= 0xDBFF;
    if (high_surrogate && end + 6 < text_.size() && text_[end] == '\\' && text_[end + 1] == 'u') {
      uint32_t low = 0;
      if (!ReadHex4(end + 2, low)) return Fail(end + 1, kInvalidUnicodeEscape);
      if (low >= 0xDC00 && low <= 0xDFFF) i = end + 6;
    }
    return true;
  }

  bool ReadHex4(size_t at, uint32_t& unit) const {
    for (size_t k = at; k < at + 4; ++k) {
      const int digit = HexValue(text_[k]);
      if (digit < 0) return false;
      unit = (unit << 4) | static_cast<uint32_t>(digit);
    }
    return true;
  }

  // _match_number_unicode, including its quirks: "1." and "1e" end the number before the '.'
  // or 'e' (so the caller reports what follows), and "-" alone is "Expecting value".
  bool ScanNumber() {
    const size_t start = pos_;
    const size_t last = text_.size() - 1;  // ScanValue checked that text_ is not exhausted
    size_t idx = start;
    if (text_[idx] == '-' && ++idx > last) return Fail(start, kExpectingValue);
    if (text_[idx] >= '1' && text_[idx] <= '9') {
      ++idx;
      while (idx <= last && IsDigit(text_[idx])) ++idx;
    } else if (text_[idx] == '0') {
      ++idx;
    } else {
      return Fail(start, kExpectingValue);
    }
    if (idx < last && text_[idx] == '.' && IsDigit(text_[idx + 1])) {
      idx += 2;
      while (idx <= last && IsDigit(text_[idx])) ++idx;
    }
    if (idx < last && (text_[idx] == 'e' || text_[idx] == 'E')) {
      const size_t e_start = idx++;
      if (idx < last && (text_[idx] == '-' || text_[idx] == '+')) ++idx;
      while (idx <= last && IsDigit(text_[idx])) ++idx;
      if (!IsDigit(text_[idx - 1])) idx = e_start;
    }
    pos_ = idx;
    return true;
  }

  std::string_view text_;
  size_t max_depth_;
  size_t pos_ = 0;
  std::vector<char> stack_;  // '{' or '[' per open non-empty container
  size_t fail_pos_ = 0;
  std::string_view fail_message_;
};

}  // namespace

JsonScanResult LocateJsonError(std::string_view text, size_t max_depth) {
  return Scanner(text, max_depth).Run();
}

}  // namespace gw::api
