// The original runner's log formats, shared by the gateway and the C++ SDK so that the gateway's
// and the job's lines read alike in one stream (spec §15.2, §15.3):
//   plain:      [2026-11-28 01:04:25] INFO  Server is ready
//   structured: {"time": "2026-11-28T01:04:25.568959Z", "lvl": "INFO", "msg": "Server is ready"}
// LOG_STRUCTURED (a boolean flag, spec §16) picks the structured one. Header-only; include it only
// from .cc files (it pulls in spdlog).
#pragma once

#include <spdlog/pattern_formatter.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace racetrack_common {

// Level tokens padded to five characters, upper case, as the original prints them.
class PaddedLevelFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view token;
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        token = "DEBUG";
        break;
      case spdlog::level::info:
        token = "INFO ";
        break;
      case spdlog::level::warn:
        token = "WARN ";
        break;
      case spdlog::level::err:
        token = "ERROR";
        break;
      default:
        token = "CRIT ";
        break;
    }
    dest.append(token.data(), token.data() + token.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PaddedLevelFlag>();
  }
};

inline std::unique_ptr<spdlog::formatter> MakePlainFormatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<PaddedLevelFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S] %* %v");
  return formatter;
}

// True iff the variable is one of true, t, yes, y, 1 (any case), as the original's flags.
inline bool EnvFlag(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return false;
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "1";
}

// One extra key of a log line (tracing_id, caller_name, ...).
struct LogExtra {
  std::string_view key;
  std::string_view value;
};

// The extras of the line being logged on this thread. A logger with a synchronous sink formats
// inside logger->log(), so the caller sets this around that call (see ScopedLogExtras).
inline thread_local std::span<const LogExtra> tls_log_extras;

class ScopedLogExtras {
 public:
  explicit ScopedLogExtras(std::span<const LogExtra> extras) { tls_log_extras = extras; }
  ~ScopedLogExtras() { tls_log_extras = {}; }
  ScopedLogExtras(const ScopedLogExtras&) = delete;
  ScopedLogExtras& operator=(const ScopedLogExtras&) = delete;
};

// Appends `text` as a JSON string literal the way Python's json.dumps does by default
// (ensure_ascii): control characters and everything outside ASCII become \uXXXX escapes
// (surrogate pairs above U+FFFF); bytes that are not valid UTF-8 become U+FFFD.
template <typename Buffer>
void AppendPythonJsonString(Buffer& out, std::string_view text) {
  auto put = [&out](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  auto put_u = [&put](uint32_t unit) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(unit));
    put(hex);
  };
  put("\"");
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          put("\\\"");
          break;
        case '\\':
          put("\\\\");
          break;
        case '\n':
          put("\\n");
          break;
        case '\r':
          put("\\r");
          break;
        case '\t':
          put("\\t");
          break;
        case '\b':
          put("\\b");
          break;
        case '\f':
          put("\\f");
          break;
        default:
          if (c < 0x20) {
            put_u(c);
          } else {
            char ch = static_cast<char>(c);
            put(std::string_view(&ch, 1));
          }
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0fu : c & 0x1fu;
    bool valid = len != 0 && i + len <= text.size();
    for (size_t k = 1; valid && k < len; ++k) {
      auto cont = static_cast<unsigned char>(text[i + k]);
      valid = (cont & 0xc0) == 0x80;
      cp = (cp << 6) | (cont & 0x3fu);
    }
    if (!valid || cp > 0x10ffff) {
      put_u(0xfffd);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put_u(0xd800 + (cp >> 10));
      put_u(0xdc00 + (cp & 0x3ffu));
    } else {
      put_u(cp);
    }
    i += len;
  }
  put("\"");
}

// {"time": "<UTC ISO-8601, microseconds>Z", "lvl": "<LEVEL>", "msg": "<message>", <extras>}
// with json.dumps' default separators, as the original's structured format.
class StructuredFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto put = [&dest](std::string_view s) { dest.append(s.data(), s.data() + s.size()); };
    put("{\"time\": \"");
    put(IsoTime(msg.time));
    put("\", \"lvl\": \"");
    put(LevelName(msg.level));
    put("\", \"msg\": ");
    AppendPythonJsonString(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    for (const LogExtra& extra : tls_log_extras) {
      put(", ");
      AppendPythonJsonString(dest, extra.key);
      put(": ");
      AppendPythonJsonString(dest, extra.value);
    }
    put("}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<StructuredFormatter>();
  }

  static std::string_view LevelName(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        return "DEBUG";
      case spdlog::level::info:
        return "INFO";
      case spdlog::level::warn:
        return "WARNING";
      case spdlog::level::err:
        return "ERROR";
      default:
        return "CRITICAL";
    }
  }

  static std::string IsoTime(spdlog::log_clock::time_point when) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch());
    std::time_t seconds = static_cast<std::time_t>(micros.count() / 1'000'000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[96];  // generous: the compiler cannot bound the int fields
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(micros.count() % 1'000'000));
    return text;
  }
};

// The format the environment asks for: structured if LOG_STRUCTURED is true, else plain.
inline std::unique_ptr<spdlog::formatter> MakeFormatter(bool structured) {
  if (structured) return std::make_unique<StructuredFormatter>();
  return MakePlainFormatter();
}

}  // namespace racetrack_common
