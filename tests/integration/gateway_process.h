// Harness for the integration tests: runs the real gateway binary (and, for --worker-address
// tests, real workers) as child processes, talks HTTP/1.1 to it over raw sockets, and waits on
// conditions with bounded deadlines instead of fixed sleeps.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rt_it {

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;
using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Path of an example job binary, e.g. ExampleJob("prime_job").
std::string ExampleJob(std::string_view name);

// A port nobody listens on right now (bind to port 0, read it, close the socket).
int FreePort();

// Polls `condition` every `interval` until it holds or `timeout` passes; returns the last result.
bool WaitFor(const std::function<bool()>& condition, Millis timeout, Millis interval = 10ms);

// A private temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);

struct ExitStatus {
  bool exited = false;  // true: exited with `code`; false: killed by `signal`
  int code = -1;
  int signal = 0;
  std::string ToString() const;
};

// One child process in its own process group, stdout and stderr redirected into files. The
// destructor SIGKILLs the whole group (so a gateway's worker goes too) and reaps the child.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // `env` is added to (and overrides) the current environment, `unset` names variables to
  // leave out. Returns false (and sets `error`) if the process could not be spawned.
  bool Start(const std::vector<std::string>& argv, const EnvVars& env,
             const std::string& stdout_path, const std::string& stderr_path, std::string* error,
             const std::vector<std::string>& unset = {});

  pid_t pid() const { return pid_; }
  bool running();  // reaps the child if it has exited
  bool Signal(int signum) const;
  void KillGroup();  // SIGKILL to the process group
  // Waits up to `timeout` for the child to exit; nullopt if it is still running.
  std::optional<ExitStatus> WaitExit(Millis timeout);
  const std::optional<ExitStatus>& exit_status() const { return status_; }

 private:
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

// True once `pid` is gone: no such process, or a zombie nobody has reaped yet.
bool ProcessGone(pid_t pid);

// ---- HTTP ----

struct HttpResponse {
  int status = 0;  // 0: no response; see `error`
  std::string error;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;

  bool HasHeader(std::string_view name) const;
  std::string Header(std::string_view name) const;  // "" if absent
  nlohmann::json Json() const;                      // discarded value if the body is not JSON
  std::string Describe() const;                     // for assertion messages
};

// A tiny blocking HTTP/1.1 client over one TCP connection to 127.0.0.1:port. Responses are
// read by content-length (or chunked, or until close); keep-alive is the default.
class HttpClient {
 public:
  explicit HttpClient(int port, Millis timeout = 5s);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  bool Connect();
  bool connected() const { return fd_ >= 0; }
  void Close();
  // Closes with a TCP reset (SO_LINGER 0) instead of a FIN.
  void Reset();
  void set_timeout(Millis timeout) { timeout_ = timeout; }

  bool SendRaw(std::string_view bytes);
  // Reads one response. `head_request`: the response has no body whatever its headers say.
  HttpResponse ReadResponse(bool head_request = false);
  // True if the peer closes the connection (EOF or reset) within `timeout` with no more data.
  bool WaitPeerClosed(Millis timeout);

  // Builds, sends and reads one request. Adds Host, and Content-Length when there is a body or
  // the method is POST. Connects first if needed.
  HttpResponse Request(std::string_view method, std::string_view target,
                       std::optional<std::string_view> body = std::nullopt,
                       const EnvVars& headers = {});

  static std::string Format(std::string_view method, std::string_view target,
                            std::optional<std::string_view> body, const EnvVars& headers);

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline, std::string* error);

  int port_;
  Millis timeout_;
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
HttpResponse Fetch(int port, std::string_view method, std::string_view target,
                   std::optional<std::string_view> body = std::nullopt, const EnvVars& headers = {},
                   Millis timeout = 5s);

// ---- the gateway ----

struct GatewayOptions {
  std::vector<std::string> flags;           // extra flags, e.g. {"--max-body-bytes", "1024"}
  std::vector<std::string> worker_command;  // --worker CMD [ARGS...]
  std::string worker_address;               // --worker-address ADDR (when no command)
  EnvVars env;
  std::vector<std::string> unset_env;  // variables the gateway must not inherit
  int port = 0;                        // 0: a free port is picked
};

class GatewayProcess {
 public:
  explicit GatewayProcess(GatewayOptions options);
  ~GatewayProcess();
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  // Convenience: a gateway supervising the example job `job` (e.g. "prime_job").
  static GatewayOptions ForJob(std::string_view job, EnvVars env = {},
                               std::vector<std::string> flags = {});

  bool Start(std::string* error = nullptr);
  // Start, then wait until GET /ready answers 200.
  bool StartAndWaitReady(Millis timeout = 10s, std::string* error = nullptr);

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  ChildProcess& process() { return process_; }
  const std::string& dir() const { return dir_.path(); }

  HttpResponse Get(std::string_view target, Millis timeout = 5s) const;
  HttpResponse Post(std::string_view target, std::optional<std::string_view> body,
                    const EnvVars& headers = {}, Millis timeout = 5s) const;

  // Polls GET `target` until it answers `status` (connection errors count as not yet).
  bool WaitForStatus(std::string_view target, int status, Millis timeout = 10s) const;
  bool WaitReady(Millis timeout = 10s) const { return WaitForStatus("/ready", 200, timeout); }

  std::string Stdout() const;
  std::string Stderr() const;
  std::string Output() const { return Stdout() + Stderr(); }
  std::vector<std::string> StdoutLines() const;
  // Polls the captured stdout until a line contains `needle` (the gateway flushes its log
  // every 100 ms).
  bool WaitForLog(std::string_view needle, Millis timeout = 5s) const;
  // Counts stdout lines containing `needle`.
  size_t CountLog(std::string_view needle) const;
  // The pid of the `n`th worker the gateway started (0-based), parsed from
  // "worker started: pid N"; waits for the log line.
  std::optional<pid_t> WorkerPid(size_t n = 0, Millis timeout = 5s) const;

  bool Terminate() { return process_.Signal(SIGTERM); }
  std::optional<ExitStatus> WaitExit(Millis timeout) { return process_.WaitExit(timeout); }

 private:
  GatewayOptions options_;
  TempDir dir_;
  int port_ = 0;
  ChildProcess process_;
};

// Sends a perform call with `body` on a connection of its own, without reading the answer, and
// waits until the gateway has logged more than `arrivals_before` perform arrivals (so that the
// order in which the gateway sees several such calls is the test's).
std::unique_ptr<HttpClient> SendPerform(const GatewayProcess& gateway, std::string_view body,
                                        size_t arrivals_before);

// Milliseconds since `since`.
long ElapsedMs(std::chrono::steady_clock::time_point since);

}  // namespace rt_it
