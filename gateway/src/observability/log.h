// Logging facade over spdlog in the original runner's plain format (spec §15.2):
//   [2026-11-28 01:04:25] INFO  Server is ready
// Callers check Enabled() before building a message, so disabled levels cost nothing. Output is
// buffered and flushed by the loop (FlushTick) and at once for warnings and errors, so per-request
// lines do not cost a write system call each. spdlog stays out of this header.
#pragma once

#include <string_view>

namespace gw::log {

enum class Level { kDebug = 1, kInfo = 2, kWarn = 3, kError = 4, kOff = 6 };

// Parses "debug", "info", "warning"/"warn", "error", "off" (case-insensitive). False if unknown.
bool ParseLevel(std::string_view text, Level* level);
void Init(Level level);
bool Enabled(Level level);
void Write(Level level, std::string_view message);
void Flush();

inline void Debug(std::string_view m) { if (Enabled(Level::kDebug)) Write(Level::kDebug, m); }
inline void Info(std::string_view m) { if (Enabled(Level::kInfo)) Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { if (Enabled(Level::kWarn)) Write(Level::kWarn, m); }
inline void Error(std::string_view m) { if (Enabled(Level::kError)) Write(Level::kError, m); }

}  // namespace gw::log
