// HealthService: grpc.health.v1.Health for the worker, for the services "" and
// "racetrack.worker.v1.Worker". NOT_SERVING while the job loads or after it failed, SERVING once
// it is ready. Watch streams get the current status at once and every change after; each Watch
// reactor deletes itself in OnDone after leaving the registry, and is only touched under mu_.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <string>
#include <unordered_set>

#include "grpc/health/v1/health.grpc.pb.h"

namespace racetrack::internal {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  void SetServing(bool serving);

  // NOT_SERVING from now on, and every Watch stream ends (so server shutdown need not wait).
  void Shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;

  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class Watcher;

  static bool IsKnownService(const std::string& service);
  ServingStatus StatusLocked(bool known_service) const;
  void Forget(Watcher* watcher);

  std::mutex mu_;  // lock order: mu_ before a watcher's own mutex
  bool serving_ = false;
  bool shut_down_ = false;
  std::unordered_set<Watcher*> watchers_;
};

}  // namespace racetrack::internal
