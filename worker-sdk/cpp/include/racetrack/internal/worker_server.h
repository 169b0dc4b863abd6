// WorkerServer: the worker runtime behind racetrack::Serve, usable in-process (tests). It serves
// the Worker and grpc.health.v1.Health services on one address at once, loads the job on a
// background thread, and owns the call pool. Destroying it shuts down gracefully.
// Internal to the SDK; exposed for tests. No gRPC types appear here.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "racetrack/internal/load_state.h"
#include "racetrack/internal/worker_options.h"
#include "racetrack/serve.h"

namespace racetrack::internal {

class JobBackend;

class WorkerServer {
 public:
  // Serves a C++ job class built by `factory`.
  WorkerServer(WorkerOptions options, JobFactory factory);
  // Serves the job of another SDK's backend (the Python runtime).
  WorkerServer(WorkerOptions options, std::unique_ptr<JobBackend> backend);
  ~WorkerServer();
  WorkerServer(const WorkerServer&) = delete;
  WorkerServer& operator=(const WorkerServer&) = delete;

  // Binds and starts serving (health NOT_SERVING, Describe LOADING), gives a unix socket the
  // configured mode and group, then starts constructing the job. Returns false, with `error`
  // set, if the server cannot start.
  bool Start(std::string& error);

  // Blocks until the job is ready or failed, or `timeout` passes; returns the state then.
  LoadState WaitLoaded(std::chrono::milliseconds timeout) const;
  LoadState state() const;

  // Blocks until no Calls stream is open (the gateway closed them; no call is in flight) and no
  // Http request is being answered, or `timeout` passes; returns whether the worker is idle. A
  // worker asked to stop keeps serving until then, so that a gateway still draining its own calls
  // can finish them.
  bool WaitStreamsClosed(std::chrono::milliseconds timeout);

  // Ends every Calls stream once its calls are answered, then stops the server, cancelling what
  // is left after `grace`. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  // The TCP port bound (useful with "host:0"); 0 for unix sockets.
  int port() const;
  std::size_t threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace racetrack::internal
