#include "config/cli.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace gw::config {
namespace {

template <typename T>
bool ParseNumber(std::string_view text, T min, T max, T* out) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  *out = value;
  return true;
}

}  // namespace

std::string Usage() {
  return R"(usage: gateway [options] (--worker CMD [ARGS...] | --worker-address ADDR)

Serves a Racetrack job over HTTP and forwards its calls to a worker process over gRPC.

  --worker CMD [ARGS...]    spawn CMD as the worker and supervise it (restart on exit);
                            everything after --worker belongs to the worker's command line
  --worker-address ADDR     connect to a worker that someone else runs, e.g.
                            unix:/run/job/worker.sock or 127.0.0.1:7001; repeat it for several
  --workers N               worker processes to spawn (default 1, or $RACETRACK_WORKERS); each
                            call goes to the ready worker with the fewest calls in flight
  --host H                  address to listen on (default 0.0.0.0)
  --port P                  port to listen on (default 7000)
  --max-body-bytes N        largest request body accepted, else 413 (default 64 MiB); a request
                            whose target, headers and body would not fit in one worker message
                            (--max-message-bytes minus 64 KiB) also gets 413
  --max-header-bytes N      largest total of header names and values, else 431 (default 32 KiB)
  --max-url-bytes N         longest request target, else 414 (default 8 KiB)
  --header-timeout-ms N     time from a request's first byte to the end of its headers, else 408
                            (default 10000)
  --body-timeout-ms N       time from the end of the headers to the end of the body, else 408
                            (default 30000)
  --keep-alive-timeout-ms N idle keep-alive connections close after this (default 60000)
  --max-connections N       connections open at once; beyond, requests get 503 (default 10000)
  --call-timeout-ms N       a job call not answered within N ms of its arrival (queue included)
                            gets 504 and is cancelled at the worker (default 0: no limit)
  --stuck-call-grace-ms N   a call still running N ms after its deadline restarts the worker
                            (default 10000)
  --stall-timeout-ms N      calls in flight and none ended for N ms: /live fails (default 0: off)
  --drain-timeout-ms N      on SIGTERM, how long in-flight calls may finish (default 30000)
  --max-message-bytes N     largest gRPC message to or from the worker (default 64 MiB)
  --log-level L             debug, info, warning, error or off (default debug, or LOG_LEVEL)
  --no-metrics              no /metrics endpoint and no metric updates
  --manifest-path P         the job manifest (job.yaml); else $JOB_MANIFEST_YAML, else ./job.yaml
  --sched-policy P          batch or normal (default batch, or $RACETRACK_SCHED_POLICY): the Linux
                            scheduling policy of the gateway's threads and of its workers; a
                            batch thread that wakes does not preempt a running one, so work is
                            done in fewer, fuller runs (more req/s on busy cores)
  --help                    show this help
  --version                 show the version

gRPC polls the worker connections with poll() unless GRPC_POLL_STRATEGY names another poller;
the gateway's choice is not passed on to the workers.
)";
}

CliOutcome ParseCommandLine(int argc, const char* const* argv, Config* config,
                            std::string* message) {
  if (const char* level = std::getenv("LOG_LEVEL"); level != nullptr && *level != '\0') {
    log::ParseLevel(level, &config->log_level);
  }
  config->log_structured = log::EnvFlag("LOG_STRUCTURED");
  auto fail = [&](const std::string& text) {
    *message = "gateway: " + text + "\nTry 'gateway --help' for more information.\n";
    return CliOutcome::kExitUsageError;
  };
  bool workers_given = false;
  if (const char* workers = std::getenv(kWorkersEnv); workers != nullptr && *workers != '\0') {
    if (!ParseNumber<uint32_t>(workers, 1, kMaxWorkers, &config->workers)) {
      return fail("invalid value '" + std::string(workers) + "' for " + kWorkersEnv);
    }
    workers_given = true;
  }
  if (const char* policy = std::getenv(racetrack_common::kSchedPolicyEnv);
      policy != nullptr && *policy != '\0') {
    if (!racetrack_common::ParseSchedPolicy(policy, config->sched_policy)) {
      return fail("invalid value '" + std::string(policy) + "' for " +
                  racetrack_common::kSchedPolicyEnv + " (batch or normal)");
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *message = Usage();
      return CliOutcome::kExitSuccess;
    }
    if (arg == "--version") {
      *message = "gateway " RT_GATEWAY_VERSION "\n";
      return CliOutcome::kExitSuccess;
    }
    if (arg == "--no-metrics") {
      config->metrics_enabled = false;
      continue;
    }
    if (arg == "--worker") {
      if (i + 1 >= argc) return fail("--worker needs a command");
      for (int j = i + 1; j < argc; ++j) config->worker_command.emplace_back(argv[j]);
      break;
    }
    if (!arg.starts_with("--")) return fail("unexpected argument '" + std::string(arg) + "'");
    if (i + 1 >= argc) return fail(std::string(arg) + " needs a value");
    std::string_view value = argv[++i];
    bool ok = true;
    if (arg == "--host") {
      config->host = value;
    } else if (arg == "--port") {
      ok = ParseNumber<int>(value, 0, 65535, &config->port);
    } else if (arg == "--worker-address") {
      config->worker_addresses.emplace_back(value);
    } else if (arg == "--workers") {
      ok = ParseNumber<uint32_t>(value, 1, kMaxWorkers, &config->workers);
      workers_given = true;
    } else if (arg == "--max-body-bytes") {
      ok = ParseNumber<size_t>(value, 1, SIZE_MAX, &config->limits.max_body_bytes);
    } else if (arg == "--max-header-bytes") {
      ok = ParseNumber<size_t>(value, 256, SIZE_MAX, &config->limits.max_header_bytes);
    } else if (arg == "--max-url-bytes") {
      ok = ParseNumber<size_t>(value, 16, SIZE_MAX, &config->limits.max_url_bytes);
    } else if (arg == "--header-timeout-ms") {
      ok = ParseNumber<uint64_t>(value, 1, UINT64_MAX, &config->limits.header_timeout_ms);
    } else if (arg == "--body-timeout-ms") {
      ok = ParseNumber<uint64_t>(value, 1, UINT64_MAX, &config->limits.body_timeout_ms);
    } else if (arg == "--max-connections") {
      ok = ParseNumber<size_t>(value, 1, SIZE_MAX, &config->limits.max_connections);
    } else if (arg == "--keep-alive-timeout-ms") {
      ok = ParseNumber<uint64_t>(value, 1, UINT64_MAX, &config->limits.keep_alive_timeout_ms);
    } else if (arg == "--call-timeout-ms") {
      ok = ParseNumber<uint32_t>(value, 0, UINT32_MAX, &config->call_timeout_ms);
    } else if (arg == "--stuck-call-grace-ms") {
      ok = ParseNumber<uint64_t>(value, 0, UINT64_MAX, &config->stuck_call_grace_ms);
    } else if (arg == "--stall-timeout-ms") {
      ok = ParseNumber<uint64_t>(value, 0, UINT64_MAX, &config->stall_timeout_ms);
    } else if (arg == "--drain-timeout-ms") {
      ok = ParseNumber<uint64_t>(value, 0, UINT64_MAX, &config->drain_timeout_ms);
    } else if (arg == "--max-message-bytes") {
      ok = ParseNumber<int>(value, 1024, INT32_MAX, &config->max_message_bytes);
    } else if (arg == "--manifest-path") {
      config->manifest_path = value;
    } else if (arg == "--log-level") {
      ok = log::ParseLevel(value, &config->log_level);
    } else if (arg == "--sched-policy") {
      ok = racetrack_common::ParseSchedPolicy(value, config->sched_policy);
    } else {
      return fail("unknown option '" + std::string(arg) + "'");
    }
    if (!ok) return fail("invalid value '" + std::string(value) + "' for " + std::string(arg));
  }
  config->limits.max_forward_bytes =
      http::ForwardBudget(static_cast<size_t>(config->max_message_bytes));
  if (config->worker_command.empty() == config->worker_addresses.empty()) {
    return fail("give exactly one of --worker CMD or --worker-address ADDR");
  }
  if (!config->worker_addresses.empty()) {
    if (workers_given &&
        config->workers != static_cast<uint32_t>(config->worker_addresses.size())) {
      return fail("--workers " + std::to_string(config->workers) + " but " +
                  std::to_string(config->worker_addresses.size()) +
                  " --worker-address: give one address per worker");
    }
    config->workers = static_cast<uint32_t>(config->worker_addresses.size());
  }
  return CliOutcome::kRun;
}

}  // namespace gw::config
