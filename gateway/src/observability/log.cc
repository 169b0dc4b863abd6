#include "observability/log.h"

#include <racetrack_common/log_format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <string>

namespace gw::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
constexpr size_t kMaxExtras = 8;
bool g_structured = false;  // set once by Init, before any other thread logs

// `, key=value`, or `, key="value"` when the value has a space (the original's plain extras).
void AppendPlainExtra(std::string* line, const Extra& extra) {
  line->append(", ");
  line->append(extra.key);
  line->push_back('=');
  bool quote = extra.value.find(' ') != std::string_view::npos;
  if (quote) line->push_back('"');
  line->append(extra.value);
  if (quote) line->push_back('"');
}

// Collects formatted lines in memory and writes them to stdout in one call per flush.
class BufferedStdoutSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    buffer_.append(line.data(), line.size());
    if (buffer_.size() >= kFlushBytes || msg.level >= spdlog::level::warn) flush_();
  }
  void flush_() override {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n <= 0) break;  // stdout gone: drop the lines rather than block the loop
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 32 * 1024;
  std::string buffer_;
};

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "debug" || lower == "trace")
    *level = Level::kDebug;
  else if (lower == "info")
    *level = Level::kInfo;
  else if (lower == "warning" || lower == "warn")
    *level = Level::kWarn;
  else if (lower == "error" || lower == "critical")
    *level = Level::kError;
  else if (lower == "off")
    *level = Level::kOff;
  else
    return false;
  return true;
}

bool EnvFlag(const char* name) { return racetrack_common::EnvFlag(name); }

void Init(Level level, bool structured) {
  g_structured = structured;
  auto sink = std::make_shared<BufferedStdoutSink>();
  sink->set_formatter(racetrack_common::MakeFormatter(structured));
  auto logger = std::make_shared<spdlog::logger>("gateway", sink);
  logger->set_level(ToSpd(level));
  logger->flush_on(spdlog::level::warn);
  Logger() = logger;
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void Write(Level level, std::string_view message, std::span<const Extra> extras) {
  auto& logger = Logger();
  if (!logger) Init(Level::kInfo);
  if (extras.empty()) {
    logger->log(ToSpd(level), spdlog::string_view_t(message.data(), message.size()));
    return;
  }
  if (g_structured) {
    // The structured formatter reads the extras of this thread's line while logger->log() runs.
    std::array<racetrack_common::LogExtra, kMaxExtras> common;
    size_t n = std::min(extras.size(), common.size());
    for (size_t i = 0; i < n; ++i) common[i] = {extras[i].key, extras[i].value};
    racetrack_common::ScopedLogExtras scope(std::span(common.data(), n));
    logger->log(ToSpd(level), spdlog::string_view_t(message.data(), message.size()));
    return;
  }
  std::string line(message);
  for (const Extra& extra : extras) AppendPlainExtra(&line, extra);
  logger->log(ToSpd(level), spdlog::string_view_t(line.data(), line.size()));
}

void Flush() {
  if (Logger()) Logger()->flush();
}

}  // namespace gw::log
