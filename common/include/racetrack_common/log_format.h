// The original runner's plain log format, shared by the gateway and the C++ SDK so that the
// gateway's and the job's lines read alike in one stream:
//   [2026-11-28 01:04:25] INFO  Server is ready
// Header-only; include it only from .cc files (it pulls in spdlog).
#pragma once

#include <spdlog/pattern_formatter.h>

#include <memory>
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
      case spdlog::level::debug: token = "DEBUG"; break;
      case spdlog::level::info: token = "INFO "; break;
      case spdlog::level::warn: token = "WARN "; break;
      case spdlog::level::err: token = "ERROR"; break;
      default: token = "CRIT "; break;
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

}  // namespace racetrack_common
