// Admission for requests held by connections: runs a request's call now, queues it (the
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

namespace gw::server {
class Connection;
}

namespace gw::app {

class AdmissionGate {
 public:
  enum class Result { kStarted, kQueued, kRejected };

  explicit AdmissionGate(admission::AdmissionLimits limits = {});
  ~AdmissionGate();
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  void SetLimits(admission::AdmissionLimits limits) { admission_.SetLimits(limits); }
  const admission::AdmissionLimits& limits() const { return admission_.limits(); }

  // kStarted: `start` ran now. kQueued: `start` runs once a slot frees, unless Release(conn)
  // comes first. kRejected: `start` is dropped; answer 429 with RejectionBody().
  // The common case (a free slot) runs `start` without allocating anything.
  template <typename Start>
  Result Admit(server::Connection* conn, Start&& start) {
    if (TakeSlot(conn)) {
      start();
      return Result::kStarted;
    }
    return Queue(conn, std::function<void()>(std::forward<Start>(start)));
  }
  // The request of `conn` is over (answered, failed, or its client went away): frees its slot
  // or leaves the queue. A no-op for connections the gate does not know. Idempotent.
  void Release(server::Connection* conn);

  std::string RejectionBody() const { return admission_.RejectionBody(); }
  uint32_t running() const { return admission_.running(); }
  size_t queued() const { return admission_.queued(); }

 private:
  class QueuedRequest;
  bool TakeSlot(server::Connection* conn);
  Result Queue(server::Connection* conn, std::function<void()> start);
  void OnAdmitted(server::Connection* conn);

  admission::Admission admission_;
  std::unordered_set<server::Connection*> admitted_;
  std::unordered_map<server::Connection*, std::unique_ptr<QueuedRequest>> queued_;
};

}  // namespace gw::app
