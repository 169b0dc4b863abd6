// Worker configuration from the environment and the command line.
#include "racetrack/internal/worker_options.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <thread>

namespace racetrack::internal {
namespace {

// A positive decimal number from the environment, or `fallback`.
std::size_t SizeFromEnv(const char* name, std::size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const std::string_view view(text);
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc() || end != view.data() + view.size() || value == 0) return fallback;
  return value;
}

}  // namespace

bool ParseSocketMode(const char* text, mode_t& mode) {
  if (text == nullptr) return false;
  std::string_view view(text);
  if (view.starts_with("0o") || view.starts_with("0O")) view.remove_prefix(2);
  if (view.empty()) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value, 8);
  if (ec != std::errc() || end != view.data() + view.size() || value > 0777) return false;
  mode = static_cast<mode_t>(value);
  return true;
}

std::string UnixSocketPath(const std::string& address) {
  const std::string_view view(address);
  if (!view.starts_with("unix:")) return {};
  std::string_view path = view.substr(5);
  if (path.starts_with("//")) path.remove_prefix(2);  // unix:///abs/path
  return std::string(path);
}

WorkerOptions OptionsFromEnvironment() {
  WorkerOptions options;
  if (const char* address = std::getenv("RACETRACK_WORKER_ADDRESS");
      address != nullptr && *address != '\0') {
    options.address = address;
  }
  options.threads = SizeFromEnv("RACETRACK_WORKER_THREADS", 0);
  options.max_message_bytes = SizeFromEnv("RACETRACK_MAX_MESSAGE_BYTES", kDefaultMaxMessageBytes);
  if (mode_t mode = 0; ParseSocketMode(std::getenv("RACETRACK_WORKER_SOCKET_MODE"), mode)) {
    options.socket_mode = mode;
  }
  if (const char* group = std::getenv("RACETRACK_WORKER_SOCKET_GROUP"); group != nullptr) {
    options.socket_group = group;
  }
  options.drain_timeout = std::chrono::milliseconds(SizeFromEnv(
      "RACETRACK_WORKER_DRAIN_TIMEOUT_MS", static_cast<std::size_t>(kDefaultDrainTimeout.count())));
  if (const char* inline_calls = std::getenv("RACETRACK_WORKER_INLINE"); inline_calls != nullptr) {
    const std::string_view v(inline_calls);
    options.dispatch = IsYes(v) ? Dispatch::kInline : Dispatch::kPool;
  }
  if (const char* dispatch = std::getenv("RACETRACK_WORKER_DISPATCH"); dispatch != nullptr) {
    ParseDispatch(dispatch, options.dispatch);
  }
  options.inline_limit = std::chrono::microseconds(SizeFromEnv(
      "RACETRACK_WORKER_INLINE_LIMIT_US", static_cast<std::size_t>(kDefaultInlineLimit.count())));
  if (const char* lane = std::getenv("RACETRACK_WORKER_BUSY_LANE"); lane != nullptr) {
    options.busy_lane = IsYes(lane);
  }
  return options;
}

bool IsYes(std::string_view text) {
  return text == "1" || text == "true" || text == "yes" || text == "on";
}

namespace {
constexpr Dispatch kDispatches[] = {Dispatch::kPool, Dispatch::kInline, Dispatch::kAdaptive};
}  // namespace

std::string_view DispatchName(Dispatch dispatch) {
  switch (dispatch) {
    case Dispatch::kPool:
      return "pool";
    case Dispatch::kInline:
      return "inline";
    case Dispatch::kAdaptive:
      break;
  }
  return "adaptive";
}

bool ParseDispatch(std::string_view text, Dispatch& dispatch) {
  for (const Dispatch candidate : kDispatches) {
    if (text == DispatchName(candidate)) {
      dispatch = candidate;
      return true;
    }
  }
  return false;
}

ParseOutcome ParseArgs(int argc, char** argv, WorkerOptions& options, std::string& error) {
  constexpr std::string_view kAddressFlag = "--address";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--help" || arg == "-h") return ParseOutcome::kHelp;
    if (arg == kAddressFlag) {
      if (i + 1 >= argc) {
        error = "--address needs a value";
        return ParseOutcome::kError;
      }
      options.address = argv[++i];
    } else if (arg.starts_with("--address=")) {
      options.address = std::string(arg.substr(kAddressFlag.size() + 1));
    } else {
      error = "unknown argument: " + std::string(arg);
      return ParseOutcome::kError;
    }
    if (options.address.empty()) {
      error = "--address needs a value";
      return ParseOutcome::kError;
    }
  }
  return ParseOutcome::kRun;
}

std::string UsageText(const char* program) {
  return std::string("usage: ") + program +
         " [--address ADDR]\n"
         "\n"
         "Serves a Racetrack job to the gateway over gRPC.\n"
         "\n"
         "  --address ADDR  gRPC listen address, e.g. unix:/run/job/worker.sock or\n"
         "                  127.0.0.1:7001 (default: $RACETRACK_WORKER_ADDRESS, else " +
         kDefaultAddress +
         ")\n"
         "  --help          show this help\n"
         "\n"
         "Environment: RACETRACK_WORKER_THREADS (calls run at once; default max(2, CPUs)),\n"
         "RACETRACK_WORKER_INLINE=1 (run calls on the reading thread, no pool: lowest latency\n"
         "for jobs that answer in microseconds),\n"
         "RACETRACK_WORKER_DISPATCH=pool|inline|adaptive (adaptive: inline while an endpoint's\n"
         "calls take less than RACETRACK_WORKER_INLINE_LIMIT_US, default 500, else the pool),\n"
         "RACETRACK_WORKER_BUSY_LANE=1 (adaptive: run CPU-bound calls one at a time, in order;\n"
         "for a job whose code holds one lock; the Python SDK's default),\n"
         "RACETRACK_MAX_MESSAGE_BYTES (gRPC message limit; default 64 MiB),\n"
         "RACETRACK_WORKER_SOCKET_MODE (octal mode of a unix socket; default 0660),\n"
         "RACETRACK_WORKER_SOCKET_GROUP (gid or group name of a unix socket),\n"
         "RACETRACK_WORKER_DRAIN_TIMEOUT_MS (after SIGTERM, serve until the gateway closes its\n"
         "call stream, at most this long; default 30000),\n"
         "GRPC_POLL_STRATEGY (gRPC's poller; default here: poll).\n";
}

std::size_t EffectiveThreads(std::size_t requested) {
  if (requested > 0) return requested;
  return std::max<std::size_t>(2, std::thread::hardware_concurrency());
}

}  // namespace racetrack::internal
