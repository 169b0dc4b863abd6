// HealthService: grpc.health.v1.Health for the worker, for the services "" and
// "racetrack.worker.v1.Worker", on the completion-queue API. NOT_SERVING while the job loads or
// after it failed, SERVING once it is ready. Watch streams get the current status at once and
// every change after; each Watch stream deletes itself once gRPC is done with it (after leaving
// the registry), and is only touched under mu_ while registered.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <string>
#include <unordered_set>

#include "completion_drain.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "unary_rpc.h"

namespace racetrack::internal {

class HealthService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // What the server builder registers.
  grpc::Service* service() { return &service_; }

  // Starts taking requests from the drain's queue (once the server has started).
  void Listen(CompletionDrain& drain);

  void SetServing(bool serving);

  // NOT_SERVING from now on, and every Watch stream ends (so server shutdown need not wait).
  void Shutdown();

 private:
  class Watcher;
  using CheckRpc =
      UnaryRpc<grpc::health::v1::HealthCheckRequest, grpc::health::v1::HealthCheckResponse>;

  static bool IsKnownService(const std::string& service);
  ServingStatus StatusLocked(bool known_service) const;
  void ListenForWatch();
  void Watching(Watcher* watcher);
  void Forget(Watcher* watcher);

  grpc::health::v1::Health::AsyncService service_;
  CompletionDrain* drain_ = nullptr;              // set by Listen
  grpc::ServerCompletionQueue* queue_ = nullptr;  // the drain's
  CheckRpc::Method check_;

  std::mutex mu_;  // lock order: mu_ before a watcher's own mutex
  bool serving_ = false;
  bool shut_down_ = false;
  std::unordered_set<Watcher*> watchers_;
};

}  // namespace racetrack::internal
