// Admission for exchanges, by exchange id: runs an exchange's call now, queues it (its
// connection stays busy) until admission::Admission hands it a slot, or refuses it (429). Each
// queued request owns one small Waiter; the gate owns those. Perform and every auxiliary call go
// through the one gate, so they share the cap (spec §8). Loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "admission/admission.h"

namespace gw::calls {

class AdmissionGate {
 public:
  enum class Result { kStarted, kQueued, kRejected };

  explicit AdmissionGate(admission::AdmissionLimits limits = {});
  ~AdmissionGate();
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  void SetLimits(admission::AdmissionLimits limits) { admission_.SetLimits(limits); }
  const admission::AdmissionLimits& limits() const { return admission_.limits(); }

  // kStarted: `start` ran now. kQueued: `start` runs once a slot frees, unless Release(id)
  // comes first. kRejected: `start` is dropped; answer 429 with RejectionMessage().
  // The common case (a free slot) runs `start` without allocating anything.
  template <typename Start>
  Result Admit(uint64_t id, Start&& start) {
    if (TakeSlot(id)) {
      start();
      return Result::kStarted;
    }
    return Queue(id, std::function<void()>(std::forward<Start>(start)));
  }
  // Exchange `id` is over (answered, failed, or its client went away): frees its slot or leaves
  // the queue. A no-op for ids the gate does not know. Idempotent.
  void Release(uint64_t id);

  std::string RejectionMessage() const { return admission_.RejectionMessage(); }
  uint32_t running() const { return admission_.running(); }
  size_t queued() const { return admission_.queued(); }

 private:
  class QueuedRequest;
  bool TakeSlot(uint64_t id);
  Result Queue(uint64_t id, std::function<void()> start);
  void OnAdmitted(uint64_t id);

  admission::Admission admission_;
  std::unordered_set<uint64_t> admitted_;
  std::unordered_map<uint64_t, std::unique_ptr<QueuedRequest>> queued_;
};

}  // namespace gw::calls
