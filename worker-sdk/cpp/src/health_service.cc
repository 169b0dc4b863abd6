// grpc.health.v1.Health: Check and Watch.
#include "health_service.h"

namespace racetrack::internal {
namespace health = grpc::health::v1;

namespace {
constexpr char kWorkerServiceName[] = "racetrack.worker.v1.Worker";
}  // namespace

// One Watch stream: writes the latest status whenever it differs from the last one sent.
class HealthService::Watcher final : public grpc::ServerWriteReactor<health::HealthCheckResponse> {
 public:
  Watcher(HealthService& owner, bool known_service)
      : owner_(owner), known_service_(known_service) {}

  bool known_service() const { return known_service_; }

  // Called under the owner's mutex, so the watcher cannot be deleted meanwhile.
  void Notify(ServingStatus status) {
    std::unique_lock lock(mu_);
    current_ = status;
    Advance(lock);
  }

  void End() {
    std::unique_lock lock(mu_);
    end_wanted_ = true;
    Advance(lock);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mu_);
    writing_ = false;
    if (!ok) end_wanted_ = true;
    Advance(lock);
  }

  void OnCancel() override { End(); }

  void OnDone() override {
    owner_.Forget(this);
    delete this;
  }

 private:
  // Starts the next write or the finish, if any, after releasing the lock.
  void Advance(std::unique_lock<std::mutex>& lock) {
    if (finished_ || writing_) return;
    if (end_wanted_) {
      finished_ = true;
      lock.unlock();
      Finish(grpc::Status::OK);
      return;
    }
    if (sent_any_ && current_ == response_.status()) return;
    sent_any_ = true;
    writing_ = true;
    response_.set_status(current_);
    lock.unlock();
    StartWrite(&response_);
  }

  HealthService& owner_;
  const bool known_service_;
  std::mutex mu_;
  health::HealthCheckResponse response_;  // owned by the outstanding write
  ServingStatus current_ = health::HealthCheckResponse::NOT_SERVING;
  bool sent_any_ = false;
  bool writing_ = false;
  bool end_wanted_ = false;
  bool finished_ = false;
};

bool HealthService::IsKnownService(const std::string& service) {
  return service.empty() || service == kWorkerServiceName;
}

HealthService::ServingStatus HealthService::StatusLocked(bool known_service) const {
  if (!known_service) return health::HealthCheckResponse::SERVICE_UNKNOWN;
  return serving_ ? health::HealthCheckResponse::SERVING : health::HealthCheckResponse::NOT_SERVING;
}

void HealthService::SetServing(bool serving) {
  std::lock_guard lock(mu_);
  if (shut_down_ || serving_ == serving) return;
  serving_ = serving;
  for (Watcher* watcher : watchers_) watcher->Notify(StatusLocked(watcher->known_service()));
}

void HealthService::Shutdown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  serving_ = false;
  for (Watcher* watcher : watchers_) watcher->End();
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const health::HealthCheckRequest* request,
                                               health::HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!IsKnownService(request->service())) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
    return reactor;
  }
  {
    std::lock_guard lock(mu_);
    response->set_status(StatusLocked(true));
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<health::HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* /*context*/, const health::HealthCheckRequest* request) {
  auto* watcher = new Watcher(*this, IsKnownService(request->service()));
  std::lock_guard lock(mu_);
  if (shut_down_) {
    watcher->End();
  } else {
    watchers_.insert(watcher);
    watcher->Notify(StatusLocked(watcher->known_service()));
  }
  return watcher;
}

void HealthService::Forget(Watcher* watcher) {
  std::lock_guard lock(mu_);
  watchers_.erase(watcher);
}

}  // namespace racetrack::internal
