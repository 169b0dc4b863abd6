// grpc.health.v1.Health: Check and Watch.
#include "health_service.h"

#include "racetrack_common/grpc_completion.h"

namespace racetrack::internal {
namespace health = grpc::health::v1;

namespace {
constexpr char kWorkerServiceName[] = "racetrack.worker.v1.Worker";
}  // namespace

// One Watch stream: writes the latest status whenever it differs from the last one sent.
class HealthService::Watcher final {
 public:
  explicit Watcher(HealthService& owner) : owner_(owner), counted_(*owner.drain_) {}

  void Request() {
    std::lock_guard lock(mu_);
    context_.AsyncNotifyWhenDone(done_tag_.tag());
    owner_.service_.RequestWatch(&context_, &request_, &writer_, owner_.queue_, owner_.queue_,
                                 accepted_tag_.tag());
  }

  bool known_service() const { return IsKnownService(request_.service()); }

  // The three below are called under the owner's mutex, while the watcher is registered: they
  // never delete it (that happens on the completion drain, after Forget).

  // Registers the watcher's first status (it is registered from now on).
  void Accept(ServingStatus status) {
    std::unique_lock lock(mu_);
    accepted_ = true;
    current_ = status;
    Advance(lock, /*may_delete=*/false);
  }

  void Notify(ServingStatus status) {
    std::unique_lock lock(mu_);
    current_ = status;
    Advance(lock, /*may_delete=*/false);
  }

  void End() {
    std::unique_lock lock(mu_);
    end_wanted_ = true;
    Advance(lock, /*may_delete=*/false);
  }

 private:
  template <void (Watcher::*kOnComplete)(bool)>
  using Tag = racetrack_common::MemberCompletion<Watcher, kOnComplete>;

  void OnAccepted(bool ok) {
    {
      std::lock_guard lock(mu_);  // ordered after Request()
    }
    if (!ok) {  // the server is shutting down; no call came, so none is reported done
      delete this;
      return;
    }
    owner_.ListenForWatch();
    owner_.Watching(this);
  }

  void OnWriteDone(bool ok) {
    std::unique_lock lock(mu_);
    writing_ = false;
    if (!ok) end_wanted_ = true;
    Advance(lock, /*may_delete=*/true);
  }

  void OnFinished(bool /*ok*/) {
    std::unique_lock lock(mu_);
    finish_outstanding_ = false;
    Advance(lock, /*may_delete=*/true);
  }

  // The call is over (finished, or cancelled by the client or the server's shutdown).
  void OnCallDone(bool /*ok*/) {
    std::unique_lock lock(mu_);
    call_over_ = true;
    end_wanted_ = true;
    Advance(lock, /*may_delete=*/true);
  }

  // Starts the next write or the finish, if any. Once the call is over and finished here (even a
  // cancelled one) with nothing outstanding, the watcher leaves the registry and is deleted. That
  // state is first reached in a completion (`may_delete`), never under the owner's mutex.
  void Advance(std::unique_lock<std::mutex>& lock, bool may_delete) {
    if (call_over_ && finished_ && !writing_ && !finish_outstanding_) {
      if (!may_delete) return;
      lock.unlock();
      owner_.Forget(this);
      delete this;
      return;
    }
    if (!accepted_ || finished_ || writing_) return;
    // Operations start under the lock that their completions take first (see CallStream).
    if (end_wanted_) {
      finished_ = true;
      finish_outstanding_ = true;
      writer_.Finish(grpc::Status::OK, finished_tag_.tag());
      return;
    }
    if (sent_any_ && current_ == response_.status()) return;
    sent_any_ = true;
    writing_ = true;
    response_.set_status(current_);
    writer_.Write(response_, written_tag_.tag());
  }

  HealthService& owner_;
  CallObjectCount counted_;
  grpc::ServerContext context_;
  health::HealthCheckRequest request_;
  grpc::ServerAsyncWriter<health::HealthCheckResponse> writer_{&context_};
  Tag<&Watcher::OnAccepted> accepted_tag_{this};
  Tag<&Watcher::OnWriteDone> written_tag_{this};
  Tag<&Watcher::OnFinished> finished_tag_{this};
  Tag<&Watcher::OnCallDone> done_tag_{this};

  std::mutex mu_;
  health::HealthCheckResponse response_;  // owned by the outstanding write
  ServingStatus current_ = health::HealthCheckResponse::NOT_SERVING;
  bool accepted_ = false;
  bool sent_any_ = false;
  bool writing_ = false;
  bool end_wanted_ = false;
  bool finished_ = false;  // Finish decided
  bool finish_outstanding_ = false;
  bool call_over_ = false;
};

void HealthService::Listen(CompletionDrain& drain) {
  drain_ = &drain;
  queue_ = drain.queue();
  check_.drain = &drain;
  check_.request = [this](grpc::ServerContext* context, health::HealthCheckRequest* request,
                          CheckRpc::Writer* writer, void* tag) {
    service_.RequestCheck(context, request, writer, queue_, queue_, tag);
  };
  check_.serve = [this](CheckRpc& rpc) {
    if (!IsKnownService(rpc.request().service())) {
      rpc.Answer(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
      return;
    }
    {
      std::lock_guard lock(mu_);
      rpc.response().set_status(StatusLocked(true));
    }
    rpc.Answer(grpc::Status::OK);
  };
  CheckRpc::Listen(check_);
  ListenForWatch();
}

void HealthService::ListenForWatch() { (new Watcher(*this))->Request(); }

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

void HealthService::Watching(Watcher* watcher) {
  std::lock_guard lock(mu_);
  watchers_.insert(watcher);
  watcher->Accept(StatusLocked(watcher->known_service()));
  if (shut_down_) watcher->End();
}

void HealthService::Forget(Watcher* watcher) {
  std::lock_guard lock(mu_);
  watchers_.erase(watcher);
}

}  // namespace racetrack::internal
