#include "supervise/supervisor.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "observability/log.h"
#include "supervise/reaper.h"

namespace gw::supervise {

extern "C" char** environ;

namespace {

// "unix-abstract:racetrack-gateway-<pid>-<random>": unique per gateway, so two gateways in one
// network namespace never meet. Empty when Linux offers no randomness (never in practice).
std::string AbstractAddress() {
  unsigned char bytes[6];
  if (getentropy(bytes, sizeof bytes) != 0) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "racetrack-gateway-" + std::to_string(getpid()) + "-";
  for (unsigned char b : bytes) {
    name += kHex[b >> 4];
    name += kHex[b & 15];
  }
  return "unix-abstract:" + name;
}

bool IsVariable(const char* entry, const char* name) {
  size_t len = std::strlen(name);
  return std::strncmp(entry, name, len) == 0 && entry[len] == '=';
}

}  // namespace

Supervisor::Supervisor(uv_loop_t* loop, std::vector<std::string> command, Callbacks callbacks)
    : loop_(loop), command_(std::move(command)), callbacks_(std::move(callbacks)) {
  uv_timer_init(loop_, &restart_timer_);
  uv_timer_init(loop_, &kill_timer_);
  restart_timer_.data = kill_timer_.data = this;
  open_timers_ = 2;
}

Supervisor::~Supervisor() { RemoveSocketDir(); }

bool Supervisor::Prepare(std::string* error) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/racetrack-gateway-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) {
    dir_ = pattern;
    socket_path_ = dir_ + "/worker.sock";
    address_ = "unix:" + socket_path_;
    return true;
  }
  // A read-only root filesystem without a writable TMPDIR (Kubernetes readOnlyRootFilesystem):
  // an abstract unix socket needs no path at all. It is reachable from the container's network
  // namespace only, like the loopback port a worker could also listen on.
  const int saved = errno;
  address_ = AbstractAddress();
  if (address_.empty()) {
    *error =
        "cannot create a private directory for the worker socket: " + std::string(strerror(saved));
    return false;
  }
  log::Info("no writable TMPDIR (" + std::string(strerror(saved)) +
            "); the worker listens on the abstract socket " + address_);
  return true;
}

int Supervisor::Start() {
  if (!socket_path_.empty())
    unlink(socket_path_.c_str());  // a stale socket of the previous incarnation
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (IsVariable(*e, kWorkerAddressEnv) || IsVariable(*e, kGatewayPidEnv)) continue;
    bool overridden = false;
    for (const std::string& entry : extra_env_) {
      overridden = overridden || IsVariable(*e, entry.substr(0, entry.find('=')).c_str());
    }
    if (!overridden) env_strings.emplace_back(*e);
  }
  env_strings.insert(env_strings.end(), extra_env_.begin(), extra_env_.end());
  env_strings.push_back(std::string(kWorkerAddressEnv) + "=" + address_);
  env_strings.push_back(std::string(kGatewayPidEnv) + "=" + std::to_string(getpid()));
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<char*> args;
  for (auto& s : command_) args.push_back(s.data());
  args.push_back(nullptr);

  uv_stdio_container_t stdio[3];
  for (int fd = 0; fd < 3; ++fd) {
    stdio[fd].flags = UV_INHERIT_FD;
    stdio[fd].data.fd = fd;
  }
  uv_process_options_t options{};
  options.exit_cb = &Supervisor::OnExit;
  options.file = args[0];
  options.args = args.data();
  options.env = env.data();
  options.stdio_count = 3;
  options.stdio = stdio;
  process_.data = this;
  int rc = uv_spawn(loop_, &process_, &options);
  process_handle_open_ = true;
  if (rc != 0) {
    // libuv initialised the handle even on failure; it must still be closed.
    CloseProcessHandle();
    return rc;
  }
  running_ = true;
  Reaper::Claim(process_.pid);  // libuv collects this one; the orphan reaper must not
  started_at_ms_ = uv_now(loop_);
  log::Info("worker started: pid " + std::to_string(process_.pid) + ", " + command_[0]);
  return 0;
}

void Supervisor::OnExit(uv_process_t* process, int64_t exit_status, int term_signal) noexcept {
  static_cast<Supervisor*>(process->data)->HandleExit(exit_status, term_signal);
}

void Supervisor::HandleExit(int64_t exit_status, int term_signal) {
  running_ = false;
  Reaper::Release(process_.pid);
  CloseProcessHandle();
  std::string reason = term_signal != 0
                           ? "the worker was killed by signal " + std::to_string(term_signal)
                           : "the worker exited with code " + std::to_string(exit_status);
  if (stopping_) {
    log::Info(reason);
    uv_timer_stop(&kill_timer_);
    return;
  }
  if (uv_now(loop_) - started_at_ms_ >= kStableRunMs) backoff_ms_ = kInitialBackoffMs;
  log::Error(reason + "; restarting it in " + std::to_string(backoff_ms_) + " ms");
  if (callbacks_.on_exit) callbacks_.on_exit(reason);
  ScheduleRestart();
}

void Supervisor::CloseProcessHandle() {
  uv_close(reinterpret_cast<uv_handle_t*>(&process_), [](uv_handle_t* h) {
    auto* self = static_cast<Supervisor*>(h->data);
    self->process_handle_open_ = false;
    if (self->stopping_) self->FinishStop();
  });
}

void Supervisor::ScheduleRestart() {
  uv_timer_start(
      &restart_timer_,
      [](uv_timer_t* t) noexcept {
        auto* self = static_cast<Supervisor*>(t->data);
        if (self->stopping_ || self->process_handle_open_) {
          if (!self->stopping_) self->ScheduleRestart();
          return;
        }
        ++self->restarts_;
        if (int rc = self->Start(); rc != 0) {
          log::Error("cannot restart the worker: " + std::string(uv_strerror(rc)));
          self->ScheduleRestart();
        }
      },
      backoff_ms_, 0);
  backoff_ms_ = std::min(backoff_ms_ * 2, kMaxBackoffMs);
}

void Supervisor::Stop(std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  uv_timer_stop(&restart_timer_);
  if (running_) {
    uv_process_kill(&process_, SIGTERM);
    uv_timer_start(
        &kill_timer_,
        [](uv_timer_t* t) noexcept {
          auto* self = static_cast<Supervisor*>(t->data);
          if (!self->running_) return;
          log::Warn("the worker did not stop within the grace period; killing it");
          uv_process_kill(&self->process_, SIGKILL);
        },
        kStopGraceMs, 0);
    return;
  }
  if (!process_handle_open_) FinishStop();
}

void Supervisor::Kill() {
  if (running_ && !stopping_) uv_process_kill(&process_, SIGKILL);
}

void Supervisor::FinishStop() {
  RemoveSocketDir();
  auto close_timer = [](uv_timer_t* t) {
    if (uv_is_closing(reinterpret_cast<uv_handle_t*>(t))) return;
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) {
      auto* self = static_cast<Supervisor*>(h->data);
      if (--self->open_timers_ == 0 && self->stopped_) {
        auto done = std::move(self->stopped_);
        self->stopped_ = nullptr;
        done();
      }
    });
  };
  close_timer(&restart_timer_);
  close_timer(&kill_timer_);
}

void Supervisor::RemoveSocketDir() {
  if (dir_.empty()) return;
  unlink(socket_path_.c_str());
  rmdir(dir_.c_str());
  dir_.clear();
}

}  // namespace gw::supervise
