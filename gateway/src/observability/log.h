// Logging facade over spdlog in the original runner's formats: plain (spec §15.2)
//   [2026-11-28 01:04:25] INFO  Server is ready, tracing_id=abc
// or, with LOG_STRUCTURED, one JSON object per line (§15.3)
//   {"time": "2026-11-28T01:04:25.568959Z", "lvl": "INFO", "msg": "Server is ready"}
// Callers check Enabled() before building a message, so disabled levels cost nothing. Output is
// buffered and flushed by the loop (FlushTick) and at once for warnings and errors, so per-request
// lines do not cost a write system call each. spdlog stays out of this header.
#pragma once

#include <span>
#include <string_view>

namespace gw::log {

enum class Level { kDebug = 1, kInfo = 2, kWarn = 3, kError = 4, kOff = 6 };

// Parses "debug", "info", "warning"/"warn", "error", "off" (case-insensitive). False if unknown.
bool ParseLevel(std::string_view text, Level* level);
// One extra key of a line: `, key=value` in the plain format, a JSON key in the structured one.
struct Extra {
  std::string_view key;
  std::string_view value;
};

// True iff the variable is one of true, t, yes, y, 1 (any case), as the original's flags.
bool EnvFlag(const char* name);
void Init(Level level, bool structured = false);
bool Enabled(Level level);
void Write(Level level, std::string_view message, std::span<const Extra> extras = {});
void Flush();

inline void Debug(std::string_view m) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, m);
}
inline void Info(std::string_view m) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, m);
}
inline void Warn(std::string_view m) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, m);
}
inline void Error(std::string_view m) {
  if (Enabled(Level::kError)) Write(Level::kError, m);
}

}  // namespace gw::log
