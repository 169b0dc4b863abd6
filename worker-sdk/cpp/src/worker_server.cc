// WorkerServer: wires the JobHost, the call pool and the two services into one gRPC server.
#include "racetrack/internal/worker_server.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <climits>

#include "call_pool.h"
#include "health_service.h"
#include "job_host.h"
#include "worker_service.h"

namespace racetrack::internal {

// Members are destroyed bottom-up: the server before the services it calls, the pool before the
// streams' JobHost, and the JobHost (which joins the loader thread) before the mutex that the
// loader's completion callback takes.
struct WorkerServer::Impl {
  Impl(WorkerOptions opts, JobFactory factory)
      : options(std::move(opts)),
        threads(options.inline_calls ? 1 : EffectiveThreads(options.threads)),
        host(options.class_name, std::move(factory), static_cast<std::uint32_t>(threads)),
        pool(options.inline_calls ? 0 : threads),
        worker(host, pool, options.max_message_bytes) {}

  void OnLoaded(LoadState state) {
    std::lock_guard lock(mu);
    if (!stopped && state == LoadState::kReady) health.SetServing(true);
  }

  const WorkerOptions options;
  const std::size_t threads;
  std::mutex mu;  // guards stopped, so the loader never touches a stopped service
  bool stopped = false;
  JobHost host;
  CallPool pool;
  HealthService health;
  WorkerService worker;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

WorkerServer::WorkerServer(WorkerOptions options, JobFactory factory)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(factory))) {}

WorkerServer::~WorkerServer() { Shutdown(std::chrono::seconds(5)); }

bool WorkerServer::Start(std::string& error) {
  const int max_bytes =
      static_cast<int>(std::min<std::size_t>(impl_->options.max_message_bytes, INT_MAX));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(impl_->options.address, grpc::InsecureServerCredentials(), &impl_->port);
  builder.RegisterService(&impl_->worker);
  builder.RegisterService(&impl_->health);
  builder.SetMaxReceiveMessageSize(max_bytes);
  builder.SetMaxSendMessageSize(max_bytes);
  impl_->server = builder.BuildAndStart();
  if (impl_->server == nullptr) {
    error = "cannot serve gRPC on " + impl_->options.address;
    return false;
  }
  impl_->host.StartLoading([impl = impl_.get()](LoadState state) { impl->OnLoaded(state); });
  return true;
}

LoadState WorkerServer::WaitLoaded(std::chrono::milliseconds timeout) const {
  return impl_->host.WaitLoaded(timeout);
}

LoadState WorkerServer::state() const { return impl_->host.state(); }

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
  impl_->pool.Stop();
}

int WorkerServer::port() const {
  if (impl_->options.address.starts_with("unix:")) return 0;
  return impl_->port;
}

std::size_t WorkerServer::threads() const { return impl_->threads; }

}  // namespace racetrack::internal
