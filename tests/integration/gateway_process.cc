#include "gateway_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern "C" char** environ;

namespace rt_it {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return std::string(text.substr(begin, end - begin));
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

ExitStatus FromWaitStatus(int status) {
  ExitStatus out;
  if (WIFEXITED(status)) {
    out.exited = true;
    out.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
  return out;
}

}  // namespace

std::string ExampleJob(std::string_view name) {
  return std::string(RT_EXAMPLES_DIR) + "/" + std::string(name);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool WaitFor(const std::function<bool()>& condition, Millis timeout, Millis interval) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

// ---- TempDir ----

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/rt-it-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ExitStatus::ToString() const {
  if (exited) return "exited with code " + std::to_string(code);
  return "killed by signal " + std::to_string(signal);
}

// ---- ChildProcess ----

ChildProcess::~ChildProcess() { KillGroup(); }

bool ChildProcess::Start(const std::vector<std::string>& argv, const EnvVars& env,
                         const std::string& stdout_path, const std::string& stderr_path,
                         std::string* error, const std::vector<std::string>& unset) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden =
        std::any_of(env.begin(), env.end(), [&](const auto& kv) { return kv.first == name; }) ||
        std::find(unset.begin(), unset.end(), name) != unset.end();
    if (!overridden) env_strings.emplace_back(entry);
  }
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args_copy = argv;
  std::vector<char*> args;
  for (auto& s : args_copy) args.push_back(s.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (error != nullptr) *error = "posix_spawn " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  pid_ = pid;
  status_.reset();
  return true;
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = FromWaitStatus(status);
    return false;
  }
  return r == 0;
}

bool ChildProcess::Signal(int signum) const {
  if (pid_ <= 0 || status_) return false;
  return kill(pid_, signum) == 0;
}

void ChildProcess::KillGroup() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);  // the group outlives its leader while the worker lives
  if (!status_) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = FromWaitStatus(status);
  }
}

std::optional<ExitStatus> ChildProcess::WaitExit(Millis timeout) {
  WaitFor([this] { return !running(); }, timeout, 5ms);
  return status_;
}

bool ProcessGone(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

// ---- HttpResponse ----

bool HttpResponse::HasHeader(std::string_view name) const {
  std::string key = Lower(name);
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return h.first == key; });
}

std::string HttpResponse::Header(std::string_view name) const {
  std::string key = Lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return {};
}

nlohmann::json HttpResponse::Json() const { return nlohmann::json::parse(body, nullptr, false); }

std::string HttpResponse::Describe() const {
  if (status == 0) return "no response: " + error;
  std::string out = std::to_string(status) + " " + reason + "\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\n";
  out += "\n" + body;
  return out;
}

// ---- HttpClient ----

HttpClient::HttpClient(int port, Millis timeout) : port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { Close(); }

bool HttpClient::Connect() {
  Close();
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return false;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  fd_ = fd;
  buffer_.clear();
  return true;
}

void HttpClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void HttpClient::Reset() {
  if (fd_ >= 0) {
    linger hard{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  }
  Close();
}

bool HttpClient::SendRaw(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool HttpClient::Fill(Clock::time_point deadline, std::string* error) {
  if (fd_ < 0) {
    *error = "not connected";
    return false;
  }
  while (true) {
    pollfd pfd{fd_, POLLIN, 0};
    int r = poll(&pfd, 1, RemainingMs(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      *error = std::string("poll: ") + std::strerror(errno);
      return false;
    }
    if (r == 0) {
      *error = "timed out";
      return false;
    }
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
    if (n == 0) {
      *error = "connection closed by the peer";
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

HttpResponse HttpClient::ReadResponse(bool head_request) {
  HttpResponse response;
  const auto deadline = Clock::now() + timeout_;
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline, &response.error)) {
      if (!buffer_.empty()) response.error += " (partial: " + buffer_ + ")";
      return response;
    }
  }
  std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // "HTTP/1.1 200 OK"
  size_t sp1 = line.find(' ');
  if (!line.starts_with("HTTP/1.") || sp1 == std::string::npos) {
    response.error = "bad status line: " + line;
    return response;
  }
  size_t sp2 = line.find(' ', sp1 + 1);
  int status = std::atoi(line.substr(sp1 + 1, sp2 - sp1 - 1).c_str());
  response.reason = sp2 == std::string::npos ? "" : line.substr(sp2 + 1);
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers.emplace_back(Lower(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }

  const bool no_body = head_request || status == 204 || status == 304 || status / 100 == 1;
  if (!no_body) {
    if (Lower(response.Header("transfer-encoding")).find("chunked") != std::string::npos) {
      while (true) {
        size_t eol;
        while ((eol = buffer_.find("\r\n")) == std::string::npos) {
          if (!Fill(deadline, &response.error)) return response;
        }
        size_t size = std::strtoul(buffer_.substr(0, eol).c_str(), nullptr, 16);
        buffer_.erase(0, eol + 2);
        while (buffer_.size() < size + 2) {
          if (!Fill(deadline, &response.error)) return response;
        }
        response.body.append(buffer_, 0, size);
        buffer_.erase(0, size + 2);
        if (size == 0) break;
      }
    } else if (response.HasHeader("content-length")) {
      size_t length = std::strtoul(response.Header("content-length").c_str(), nullptr, 10);
      while (buffer_.size() < length) {
        if (!Fill(deadline, &response.error)) return response;
      }
      response.body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    } else {
      std::string ignored;
      while (Fill(deadline, &ignored)) {
      }
      response.body = std::move(buffer_);
      buffer_.clear();
      Close();
    }
  }
  response.status = status;
  if (Lower(response.Header("connection")) == "close") {
    // Keep nothing that could be mistaken for a next response.
    std::string rest = std::move(buffer_);
    Close();
    buffer_ = std::move(rest);
  }
  return response;
}

bool HttpClient::WaitPeerClosed(Millis timeout) {
  if (fd_ < 0) return true;
  const auto deadline = Clock::now() + timeout;
  std::string error;
  while (Fill(deadline, &error)) {
  }
  return error != "timed out";
}

std::string HttpClient::Format(std::string_view method, std::string_view target,
                               std::optional<std::string_view> body, const EnvVars& headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    std::string key = Lower(name);
    has_host |= key == "host";
    has_length |= key == "content-length" || key == "transfer-encoding";
  }
  if (!has_host) out.append("Host: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  if (!has_length && (body.has_value() || method == "POST")) {
    out.append("Content-Length: ").append(std::to_string(body ? body->size() : 0)).append("\r\n");
  }
  out.append("\r\n");
  if (body) out.append(*body);
  return out;
}

HttpResponse HttpClient::Request(std::string_view method, std::string_view target,
                                 std::optional<std::string_view> body, const EnvVars& headers) {
  HttpResponse failed;
  if (fd_ < 0 && !Connect()) {
    failed.error = std::string("connect: ") + std::strerror(errno);
    return failed;
  }
  if (!SendRaw(Format(method, target, body, headers))) {
    failed.error = std::string("send: ") + std::strerror(errno);
    return failed;
  }
  return ReadResponse(method == "HEAD");
}

HttpResponse Fetch(int port, std::string_view method, std::string_view target,
                   std::optional<std::string_view> body, const EnvVars& headers, Millis timeout) {
  HttpClient client(port, timeout);
  return client.Request(method, target, body, headers);
}

// ---- GatewayProcess ----

GatewayProcess::GatewayProcess(GatewayOptions options)
    : options_(std::move(options)), port_(options_.port != 0 ? options_.port : FreePort()) {}

GatewayProcess::~GatewayProcess() = default;  // process_ (killed) goes before dir_

GatewayOptions GatewayProcess::ForJob(std::string_view job, EnvVars env,
                                      std::vector<std::string> flags) {
  GatewayOptions options;
  options.worker_command = {ExampleJob(job)};
  options.env = std::move(env);
  options.flags = std::move(flags);
  return options;
}

bool GatewayProcess::Start(std::string* error) {
  std::vector<std::string> argv = {RT_GATEWAY_BIN, "--host", "127.0.0.1", "--port",
                                   std::to_string(port_)};
  argv.insert(argv.end(), options_.flags.begin(), options_.flags.end());
  if (!options_.worker_command.empty()) {
    argv.emplace_back("--worker");
    argv.insert(argv.end(), options_.worker_command.begin(), options_.worker_command.end());
  } else if (!options_.worker_address.empty()) {
    argv.emplace_back("--worker-address");
    argv.push_back(options_.worker_address);
  }
  // The supervisor's private socket directory lands in our temp dir, so it goes with it even
  // when the gateway is killed; the tests read the debug access lines.
  EnvVars env = {{"TMPDIR", dir_.path()}, {"LOG_LEVEL", "debug"}};
  for (const auto& kv : options_.env) {
    auto same =
        std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == kv.first; });
    if (same != env.end()) {
      same->second = kv.second;
    } else {
      env.push_back(kv);
    }
  }
  return process_.Start(argv, env, dir_.path() + "/stdout.log", dir_.path() + "/stderr.log", error,
                        options_.unset_env);
}

bool GatewayProcess::StartAndWaitReady(Millis timeout, std::string* error) {
  if (!Start(error)) return false;
  if (WaitReady(timeout)) return true;
  if (error != nullptr) {
    *error = "the gateway did not become ready within " + std::to_string(timeout.count()) +
             " ms; output:\n" + Output();
  }
  return false;
}

HttpResponse GatewayProcess::Get(std::string_view target, Millis timeout) const {
  return Fetch(port_, "GET", target, std::nullopt, {}, timeout);
}

HttpResponse GatewayProcess::Post(std::string_view target, std::optional<std::string_view> body,
                                  const EnvVars& headers, Millis timeout) const {
  return Fetch(port_, "POST", target, body, headers, timeout);
}

bool GatewayProcess::WaitForStatus(std::string_view target, int status, Millis timeout) const {
  return WaitFor([&] { return Get(target, 1s).status == status; }, timeout);
}

std::string GatewayProcess::Stdout() const { return ReadFile(dir_.path() + "/stdout.log"); }

std::string GatewayProcess::Stderr() const { return ReadFile(dir_.path() + "/stderr.log"); }

std::vector<std::string> GatewayProcess::StdoutLines() const {
  std::vector<std::string> lines;
  std::istringstream in(Stdout());
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

size_t GatewayProcess::CountLog(std::string_view needle) const {
  auto lines = StdoutLines();
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(needle) != std::string::npos;
  }));
}

bool GatewayProcess::WaitForLog(std::string_view needle, Millis timeout) const {
  return WaitFor([&] { return CountLog(needle) > 0; }, timeout);
}

std::optional<pid_t> GatewayProcess::WorkerPid(size_t n, Millis timeout) const {
  constexpr std::string_view kMarker = "worker started: pid ";
  std::optional<pid_t> found;
  WaitFor(
      [&] {
        size_t seen = 0;
        for (const std::string& line : StdoutLines()) {
          size_t at = line.find(kMarker);
          if (at == std::string::npos) continue;
          if (seen++ == n) {
            found = static_cast<pid_t>(std::atol(line.c_str() + at + kMarker.size()));
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

std::unique_ptr<HttpClient> SendPerform(const GatewayProcess& gateway, std::string_view body,
                                        size_t arrivals_before) {
  auto client = std::make_unique<HttpClient>(gateway.port(), 15s);
  EXPECT_TRUE(client->Connect());
  EXPECT_TRUE(client->SendRaw(
      HttpClient::Format("POST", "/api/v1/perform", body, {{"Content-Type", "application/json"}})));
  EXPECT_TRUE(WaitFor(
      [&] { return gateway.CountLog("Request: POST /api/v1/perform") > arrivals_before; }, 5s));
  return client;
}

long ElapsedMs(std::chrono::steady_clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - since).count());
}

}  // namespace rt_it
