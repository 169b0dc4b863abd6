// How a worker process is configured: its listen address, pool size and message size limit, from
// the environment (RACETRACK_WORKER_ADDRESS, RACETRACK_WORKER_THREADS,
// RACETRACK_MAX_MESSAGE_BYTES, RACETRACK_WORKER_INLINE) and the command line (--address ADDR,
// --help). Internal to the SDK; exposed for tests.
#pragma once

#include <cstddef>
#include <string>

namespace racetrack::internal {

inline constexpr char kDefaultAddress[] = "127.0.0.1:7001";
inline constexpr std::size_t kDefaultMaxMessageBytes = 64u << 20;

struct WorkerOptions {
  std::string address = kDefaultAddress;  // a gRPC address: "unix:/path" or "host:port"
  std::string class_name;                 // reported by Describe
  std::size_t threads = 0;                // call pool size; 0: max(2, hardware threads)
  // Run each call on the thread that read it, one at a time per stream, with no pool hop: the
  // lowest latency for jobs that answer in microseconds; a slow call holds up the ones after it.
  bool inline_calls = false;
  std::size_t max_message_bytes = kDefaultMaxMessageBytes;
};

// Options from the environment; malformed numbers fall back to the defaults.
WorkerOptions OptionsFromEnvironment();

enum class ParseOutcome { kRun, kHelp, kError };

// Applies command-line flags over `options`. On kError, `error` says why.
ParseOutcome ParseArgs(int argc, char** argv, WorkerOptions& options, std::string& error);

std::string UsageText(const char* program);

// The pool size actually used for `options.threads`.
std::size_t EffectiveThreads(std::size_t requested);

}  // namespace racetrack::internal
