#include "calls/admission_gate.h"

#include <utility>

namespace gw::calls {

class AdmissionGate::QueuedRequest : public admission::Waiter {
 public:
  QueuedRequest(AdmissionGate* gate, uint64_t id, std::function<void()> start)
      : gate_(gate), id_(id), start_(std::move(start)) {}

  void OnAdmitted() override { gate_->OnAdmitted(id_); }
  std::function<void()> TakeStart() { return std::move(start_); }

 private:
  AdmissionGate* gate_;
  uint64_t id_;
  std::function<void()> start_;
};

AdmissionGate::AdmissionGate(admission::AdmissionLimits limits) : admission_(limits) {}

AdmissionGate::~AdmissionGate() = default;

bool AdmissionGate::TakeSlot(uint64_t id) {
  if (!admission_.TryRun()) return false;
  admitted_.insert(id);
  return true;
}

AdmissionGate::Result AdmissionGate::Queue(uint64_t id, std::function<void()> start) {
  auto waiter = std::make_unique<QueuedRequest>(this, id, std::move(start));
  switch (admission_.Enter(waiter.get())) {
    case admission::Admission::Decision::kRun: {  // not reached after TakeSlot said no
      admitted_.insert(id);
      std::function<void()> run = waiter->TakeStart();
      run();
      return Result::kStarted;
    }
    case admission::Admission::Decision::kQueued:
      queued_[id] = std::move(waiter);
      return Result::kQueued;
    case admission::Admission::Decision::kRejected:
      break;
  }
  return Result::kRejected;
}

// Called by Admission (from Leave or SetLimits) with the slot already taken for `id`. The
// waiter is destroyed here, so it must not be touched after its OnAdmitted returns: it is not.
void AdmissionGate::OnAdmitted(uint64_t id) {
  auto it = queued_.find(id);
  if (it == queued_.end()) return;
  std::function<void()> start = it->second->TakeStart();
  queued_.erase(it);
  admitted_.insert(id);
  start();
}

void AdmissionGate::Release(uint64_t id) {
  if (admitted_.erase(id) > 0) {
    admission_.Leave();  // may start the next queued request
    return;
  }
  auto it = queued_.find(id);
  if (it == queued_.end()) return;
  admission_.Cancel(it->second.get());
  queued_.erase(it);
}

}  // namespace gw::calls
