// The worker process's main loop: options, server start, wait for SIGTERM/SIGINT, serve until the
// gateway lets go (or RACETRACK_WORKER_DRAIN_TIMEOUT_MS), exit 0.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "racetrack/internal/worker_logging.h"
#include "racetrack/internal/worker_server.h"
#include "racetrack/serve.h"

namespace racetrack::internal {
namespace {

constexpr std::chrono::seconds kShutdownGrace{5};

// Under `gateway --worker`, the worker must not outlive the gateway, even if the gateway is
// killed without a chance to stop it: ask the kernel for SIGTERM when the parent dies.
void FollowSupervisor() {
  const char* pid = std::getenv("RACETRACK_GATEWAY_PID");
  if (pid == nullptr) return;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (std::to_string(getppid()) != pid) std::_Exit(0);  // the gateway died before prctl
}

}  // namespace

int RunWorker(int argc, char** argv, std::string class_name, JobFactory factory,
              ServeOptions defaults) {
  WorkerOptions options = OptionsFromEnvironment();
  if (options.threads == 0) options.threads = defaults.threads;
  if (std::getenv("RACETRACK_WORKER_INLINE") == nullptr &&
      std::getenv("RACETRACK_WORKER_DISPATCH") == nullptr) {
    options.dispatch = defaults.inline_calls ? Dispatch::kInline : Dispatch::kPool;
  }
  std::string error;
  const char* program = argc > 0 ? argv[0] : "job";
  switch (ParseArgs(argc, argv, options, error)) {
    case ParseOutcome::kHelp:
      std::cout << UsageText(program);
      return 0;
    case ParseOutcome::kError:
      std::cerr << program << ": " << error << "\n" << UsageText(program);
      return 2;
    case ParseOutcome::kRun:
      break;
  }
  options.class_name = std::move(class_name);
  options.poll_poller = true;
  FollowSupervisor();
  SetUpWorkerLogging();
  ApplySchedPolicyFromEnvironment();  // before the first thread

  // Block the signals before any thread exists, so that only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string address = options.address;
  const std::string job_class = options.class_name;
  const std::chrono::milliseconds drain_timeout = options.drain_timeout;
  WorkerServer server(std::move(options), std::move(factory));
  if (!server.Start(error)) {
    spdlog::critical("{}", error);
    return 1;
  }
  spdlog::info("serving job class {} on {} ({} threads)", job_class, address, server.threads());

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  // The gateway may still be draining: in a two-container pod both containers get SIGTERM at
  // once. Keep answering its calls, old and new, until it closes its call stream.
  spdlog::info(
      "received signal {}, serving until the gateway closes its call stream (at most {} ms)",
      signal_number, drain_timeout.count());
  if (!server.WaitStreamsClosed(drain_timeout)) {
    spdlog::warn("drain timeout: the gateway still has its call stream open; stopping");
  }
  spdlog::info("shutting down...");
  // A call that runs on after the grace period (a job stuck in a computation cannot be
  // interrupted) must not keep the process alive until the container runtime kills it.
  std::thread([] {
    std::this_thread::sleep_for(kShutdownGrace + std::chrono::seconds(1));
    spdlog::warn("a call is still running after the shutdown grace period; exiting");
    spdlog::default_logger()->flush();
    std::fflush(nullptr);
    std::_Exit(0);
  }).detach();
  server.Shutdown(kShutdownGrace);
  if (server.state() == LoadState::kLoading) {
    // The job's constructor cannot be interrupted; leave without waiting for it.
    spdlog::default_logger()->flush();
    std::fflush(nullptr);
    std::_Exit(0);
  }
  return 0;
}

}  // namespace racetrack::internal
