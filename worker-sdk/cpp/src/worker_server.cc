// WorkerServer: wires the JobHost, the call pool and the two services into one gRPC server.
#include "racetrack/internal/worker_server.h"

#include <grp.h>
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <vector>

#include "call_pool.h"
#include "completion_drain.h"
#include "cpp_job_backend.h"
#include "dispatch_policy.h"
#include "health_service.h"
#include "job_host.h"
#include "racetrack_common/poll_poller.h"
#include "worker_service.h"

namespace racetrack::internal {
namespace {

// How long one completion may hold the completion drain before its standby drains too.
constexpr std::chrono::milliseconds kDrainWatchPeriod{2};

// A numeric gid, or the gid of a group name. False with `error` set when there is none.
bool ResolveGroup(const std::string& group, gid_t& gid, std::string& error) {
  unsigned long value = 0;
  const auto [end, ec] = std::from_chars(group.data(), group.data() + group.size(), value);
  if (ec == std::errc() && end == group.data() + group.size()) {
    gid = static_cast<gid_t>(value);
    return true;
  }
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  int rc = 0;
  while ((rc = getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
         buffer.size() < (1u << 20)) {
    buffer.resize(buffer.size() * 4);
  }
  if (rc != 0 || found == nullptr) {
    error = "RACETRACK_WORKER_SOCKET_GROUP: no group " + group;
    return false;
  }
  gid = found->gr_gid;
  return true;
}

// Gives the socket file the configured mode and group, so that a gateway running under another
// uid can connect (connect() on a unix socket needs write permission on the file).
bool ApplySocketPermissions(const WorkerOptions& options, std::string& error) {
  const std::string path = UnixSocketPath(options.address);
  if (path.empty()) return true;
  if (!options.socket_group.empty()) {
    gid_t gid = 0;
    if (!ResolveGroup(options.socket_group, gid, error)) return false;
    if (chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0) {
      error = "cannot give the socket " + path + " the group " + options.socket_group + ": " +
              std::strerror(errno);
      return false;
    }
  }
  if (chmod(path.c_str(), options.socket_mode) != 0) {
    error = "cannot set the mode of the socket " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

// Members are destroyed bottom-up: the server before the completion drain (gRPC's order), the
// drain before the services its completions call, the pool before the streams' JobHost, and the
// JobHost (which joins the loader thread) before the mutex that the loader's completion callback
// takes.
struct WorkerServer::Impl {
  Impl(WorkerOptions opts, std::unique_ptr<JobBackend> backend)
      : options(std::move(opts)),
        threads(options.dispatch == Dispatch::kInline ? 1 : EffectiveThreads(options.threads)),
        host(std::move(backend), static_cast<std::uint32_t>(threads)),
        dispatch(options.dispatch, options.inline_limit, options.busy_lane),
        pool(dispatch.uses_pool() ? threads : 0, &dispatch),
        worker(host, pool, dispatch, options.max_message_bytes) {}

  void OnLoaded(LoadState state) {
    std::lock_guard lock(mu);
    if (!stopped && state == LoadState::kReady) health.SetServing(true);
  }

  const WorkerOptions options;
  const std::size_t threads;
  std::mutex mu;  // guards stopped, so the loader never touches a stopped service
  bool stopped = false;
  JobHost host;
  DispatchPolicy dispatch;
  CallPool pool;
  HealthService health;
  WorkerService worker;
  std::unique_ptr<CompletionDrain> drain;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

WorkerServer::WorkerServer(WorkerOptions options, JobFactory factory)
    : WorkerServer(options,
                   std::make_unique<CppJobBackend>(options.class_name, std::move(factory))) {}

WorkerServer::WorkerServer(WorkerOptions options, std::unique_ptr<JobBackend> backend)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(backend))) {}

WorkerServer::~WorkerServer() { Shutdown(std::chrono::seconds(5)); }

bool WorkerServer::Start(std::string& error) {
  const int max_bytes =
      static_cast<int>(std::min<std::size_t>(impl_->options.max_message_bytes, INT_MAX));
  {
    // gRPC starts in this block. The numbers behind poll(): two CPU-bound Python workers
    // (--workers 2) spent 213-215 us of CPU per request outside the job with it, 242-249 with
    // epoll, and 17.4-17.9 context switches per request against 19.5-19.9 (bench/README.md).
    // Embedders of the runtime (tests with a client in the same process) keep gRPC's default:
    // with poll(), a connection is polled only by the threads that wait on its own calls, so an
    // in-process client whose thread does not wait would not answer the server's shutdown.
    const racetrack_common::PollPollerWhileStarting poller(impl_->options.poll_poller);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(impl_->options.address, grpc::InsecureServerCredentials(),
                             &impl_->port);
    builder.RegisterService(impl_->worker.service());
    builder.RegisterService(impl_->health.service());
    builder.SetMaxReceiveMessageSize(max_bytes);
    builder.SetMaxSendMessageSize(max_bytes);
    impl_->drain =
        std::make_unique<CompletionDrain>(builder.AddCompletionQueue(), kDrainWatchPeriod);
    impl_->server = builder.BuildAndStart();
  }
  if (impl_->server == nullptr) {
    error = "cannot serve gRPC on " + impl_->options.address;
    impl_->drain.reset();
    return false;
  }
  if (!ApplySocketPermissions(impl_->options, error)) {
    impl_->server->Shutdown();
    impl_->drain->Stop();
    impl_->server.reset();
    return false;
  }
  impl_->worker.Listen(*impl_->drain);
  impl_->health.Listen(*impl_->drain);
  impl_->drain->Start();
  impl_->host.StartLoading([impl = impl_.get()](LoadState state) { impl->OnLoaded(state); });
  return true;
}

LoadState WorkerServer::WaitLoaded(std::chrono::milliseconds timeout) const {
  return impl_->host.WaitLoaded(timeout);
}

LoadState WorkerServer::state() const { return impl_->host.state(); }

bool WorkerServer::WaitStreamsClosed(std::chrono::milliseconds timeout) {
  return impl_->worker.WaitIdle(timeout);
}

void WorkerServer::Shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->worker.Drain();
  impl_->health.Shutdown();
  if (impl_->server != nullptr) {
    impl_->server->Shutdown(std::chrono::system_clock::now() + grace);
  }
  if (impl_->drain != nullptr) impl_->drain->Stop();
  impl_->pool.Stop();
}

int WorkerServer::port() const {
  if (impl_->options.address.starts_with("unix:")) return 0;
  return impl_->port;
}

std::size_t WorkerServer::threads() const { return impl_->threads; }

}  // namespace racetrack::internal
