// Runs the worker process for `gateway --worker CMD`: spawns it with its gRPC address in the
// environment (RACETRACK_WORKER_ADDRESS, a unix socket in a private directory under $TMPDIR, or an
// abstract unix socket when no directory can be created there), restarts it with
// backoff when it exits, and stops it on shutdown (SIGTERM, then SIGKILL after a grace period).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gw::supervise {

inline constexpr const char* kWorkerAddressEnv = "RACETRACK_WORKER_ADDRESS";
// The gateway's pid: a worker dies with its gateway (PR_SET_PDEATHSIG) when this is set.
inline constexpr const char* kGatewayPidEnv = "RACETRACK_GATEWAY_PID";
inline constexpr uint64_t kInitialBackoffMs = 100;
inline constexpr uint64_t kMaxBackoffMs = 5'000;
inline constexpr uint64_t kStableRunMs = 10'000;  // a run this long resets the backoff
inline constexpr uint64_t kStopGraceMs = 5'000;

class Supervisor {
 public:
  struct Callbacks {
    // The worker exited (crash, exit, signal); a restart is scheduled unless stopping.
    std::function<void(const std::string& reason)> on_exit;
  };

  Supervisor(uv_loop_t* loop, std::vector<std::string> command, Callbacks callbacks);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Creates the private socket directory, or picks an abstract socket name when TMPDIR is not
  // writable. Returns false with a message on failure.
  bool Prepare(std::string* error);
  // The gRPC target the worker listens on, e.g. "unix:/tmp/racetrack-gateway-x/worker.sock" or
  // "unix-abstract:racetrack-gateway-7-0a1b2c3d4e5f".
  const std::string& address() const { return address_; }
  // NAME=VALUE entries the worker gets on top of the gateway's environment (they win over
  // inherited variables of the same name).
  void SetExtraEnvironment(std::vector<std::string> entries) { extra_env_ = std::move(entries); }
  // Spawns the worker. Returns 0 or a libuv error (the command cannot be run).
  int Start();
  // Stops the worker (SIGTERM, SIGKILL after kStopGraceMs); `done` runs once it has exited and
  // every handle is closed.
  void Stop(std::function<void()> done);
  // Kills a wedged worker at once (SIGKILL); it is restarted like a worker that crashed.
  void Kill();

  uint64_t restarts() const { return restarts_; }
  bool running() const { return running_; }

 private:
  static void OnExit(uv_process_t* process, int64_t exit_status, int term_signal) noexcept;
  void HandleExit(int64_t exit_status, int term_signal);
  void CloseProcessHandle();
  void ScheduleRestart();
  void FinishStop();
  void RemoveSocketDir();

  uv_loop_t* loop_;
  std::vector<std::string> command_;
  std::vector<std::string> extra_env_;
  Callbacks callbacks_;
  std::string dir_;
  std::string socket_path_;
  std::string address_;
  uv_process_t process_;
  uv_timer_t restart_timer_;
  uv_timer_t kill_timer_;
  bool running_ = false;
  bool process_handle_open_ = false;
  bool stopping_ = false;
  uint64_t backoff_ms_ = kInitialBackoffMs;
  uint64_t started_at_ms_ = 0;
  uint64_t restarts_ = 0;
  int open_timers_ = 0;
  std::function<void()> stopped_;
};

}  // namespace gw::supervise
