#include "app/admission_gate.h"

#include <utility>

namespace gw::app {

class AdmissionGate::QueuedRequest : public admission::Waiter {
 public:
  QueuedRequest(AdmissionGate* gate, server::Connection* conn, std::function<void()> start)
      : gate_(gate), conn_(conn), start_(std::move(start)) {}

  void OnAdmitted() override { gate_->OnAdmitted(conn_); }
  std::function<void()> TakeStart() { return std::move(start_); }

 private:
  AdmissionGate* gate_;
  server::Connection* conn_;
  std::function<void()> start_;
};

AdmissionGate::AdmissionGate(admission::AdmissionLimits limits) : admission_(limits) {}

AdmissionGate::~AdmissionGate() = default;

bool AdmissionGate::TakeSlot(server::Connection* conn) {
  if (!admission_.TryRun()) return false;
  admitted_.insert(conn);
  return true;
}

AdmissionGate::Result AdmissionGate::Queue(server::Connection* conn, std::function<void()> start) {
  auto waiter = std::make_unique<QueuedRequest>(this, conn, std::move(start));
  switch (admission_.Enter(waiter.get())) {
    case admission::Admission::Decision::kRun: {  // not reached after TakeSlot said no
      admitted_.insert(conn);
      std::function<void()> run = waiter->TakeStart();
      run();
      return Result::kStarted;
    }
    case admission::Admission::Decision::kQueued:
      queued_[conn] = std::move(waiter);
      return Result::kQueued;
    case admission::Admission::Decision::kRejected:
      break;
  }
  return Result::kRejected;
}

// Called by Admission (from Leave or SetLimits) with the slot already taken for `conn`. The
// waiter is destroyed here, so it must not be touched after its OnAdmitted returns: it is not.
void AdmissionGate::OnAdmitted(server::Connection* conn) {
  auto it = queued_.find(conn);
  if (it == queued_.end()) return;
  std::function<void()> start = it->second->TakeStart();
  queued_.erase(it);
  admitted_.insert(conn);
  start();
}

void AdmissionGate::Release(server::Connection* conn) {
  if (admitted_.erase(conn) > 0) {
    admission_.Leave();  // may start the next queued request
    return;
  }
  auto it = queued_.find(conn);
  if (it == queued_.end()) return;
  admission_.Cancel(it->second.get());
  queued_.erase(it);
}

}  // namespace gw::app
