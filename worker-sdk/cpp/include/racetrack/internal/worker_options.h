// How a worker process is configured: its listen address, pool size and message size limit, from
// the environment (RACETRACK_WORKER_ADDRESS, RACETRACK_WORKER_THREADS,
// RACETRACK_MAX_MESSAGE_BYTES, RACETRACK_WORKER_INLINE, RACETRACK_WORKER_DISPATCH,
// RACETRACK_WORKER_INLINE_LIMIT_US, RACETRACK_WORKER_BUSY_LANE, RACETRACK_WORKER_SOCKET_MODE,
// RACETRACK_WORKER_SOCKET_GROUP, RACETRACK_WORKER_DRAIN_TIMEOUT_MS) and the command line
// (--address ADDR, --help). Internal to the SDK; exposed for tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace racetrack::internal {

inline constexpr char kDefaultAddress[] = "127.0.0.1:7001";
inline constexpr std::size_t kDefaultMaxMessageBytes = 64u << 20;
// A unix socket's mode: the gateway may run under another uid in the worker's group (a
// two-container pod with a shared fsGroup), so the group can connect, others cannot.
inline constexpr mode_t kDefaultSocketMode = 0660;
inline constexpr std::chrono::milliseconds kDefaultDrainTimeout{30'000};

inline constexpr std::chrono::microseconds kDefaultInlineLimit{500};

// Where a call runs once read from the stream.
enum class Dispatch {
  kPool,      // on a pool thread: calls overlap, each pays a thread hand-off
  kInline,    // on the thread that read it, one after another: no hand-off, a slow call holds up
              // the calls behind it
  kAdaptive,  // inline while the endpoint's recent calls took less than inline_limit, else on
              // the pool (dispatch_policy.h)
};

struct WorkerOptions {
  std::string address = kDefaultAddress;  // a gRPC address: "unix:/path" or "host:port"
  std::string class_name;                 // reported by Describe
  std::size_t threads = 0;                // call pool size; 0: max(2, hardware threads)
  Dispatch dispatch = Dispatch::kPool;
  std::chrono::microseconds inline_limit = kDefaultInlineLimit;  // for Dispatch::kAdaptive
  // For Dispatch::kAdaptive: busy (CPU-bound) endpoints run one call at a time, in order, for a
  // job whose code runs one thread at a time (dispatch_policy.h). The Python SDK turns it on.
  bool busy_lane = false;
  // Start gRPC with its poll() poller rather than epoll, unless GRPC_POLL_STRATEGY is set (set by
  // the worker executables, the C++ one and the Python SDK's; see worker_server.cc).
  bool poll_poller = false;
  std::size_t max_message_bytes = kDefaultMaxMessageBytes;
  mode_t socket_mode = kDefaultSocketMode;  // applied to a "unix:" socket file once bound
  std::string socket_group;                 // gid or group name for the socket; "": unchanged
  // After SIGTERM, how long to keep serving while the gateway still has its call stream open.
  std::chrono::milliseconds drain_timeout = kDefaultDrainTimeout;
};

// Puts the calling thread, and so every thread and process it starts afterwards, under the
// scheduling policy RACETRACK_SCHED_POLICY names: "batch" (the default) or "normal"
// (racetrack_common/sched_policy.h says why). The worker executables, the C++ one and the Python
// SDK's, call it before they start any thread; the gateway passes its own choice on. An unknown
// value, or a kernel that refuses, is logged as a warning, and the worker goes on.
void ApplySchedPolicyFromEnvironment();

// Options from the environment; malformed numbers (and modes) fall back to the defaults.
// RACETRACK_WORKER_BUSY_LANE: "1", "true", "yes" or "on" turn the lane on, anything else off.
WorkerOptions OptionsFromEnvironment();

// Whether `text` (an environment value) says yes: "1", "true", "yes", "on".
bool IsYes(std::string_view text);

// "pool", "inline" or "adaptive"; false for anything else.
bool ParseDispatch(std::string_view text, Dispatch& dispatch);
// The name ParseDispatch reads.
std::string_view DispatchName(Dispatch dispatch);

enum class ParseOutcome { kRun, kHelp, kError };

// Applies command-line flags over `options`. On kError, `error` says why.
ParseOutcome ParseArgs(int argc, char** argv, WorkerOptions& options, std::string& error);

std::string UsageText(const char* program);

// An octal file mode ("660", "0660", "0o660") up to 0777, or false.
bool ParseSocketMode(const char* text, mode_t& mode);

// The socket file of a "unix:PATH" / "unix://ABSPATH" address; "" for other addresses
// (TCP, "unix-abstract:", which has no file).
std::string UnixSocketPath(const std::string& address);

// The pool size actually used for `options.threads`.
std::size_t EffectiveThreads(std::size_t requested);

}  // namespace racetrack::internal
