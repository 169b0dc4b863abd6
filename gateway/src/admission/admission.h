// The concurrency cap shared by perform and every auxiliary endpoint (spec §8, made exact): at
// most `max_concurrency` calls run, at most `max_queue` more wait in FIFO order, the rest are
// refused at once. Single-threaded (the loop), so the check and the increment cannot race.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>

namespace gw::admission {

// A queued request, woken when a slot frees. Implemented by whoever holds the request.
class Waiter {
 public:
  virtual ~Waiter() = default;
  virtual void OnAdmitted() = 0;
};

struct AdmissionLimits {
  uint32_t max_concurrency = 0;       // 0: no cap
  std::optional<uint32_t> max_queue;  // nullopt: unlimited waiting
};

class Admission {
 public:
  enum class Decision { kRun, kQueued, kRejected };

  explicit Admission(AdmissionLimits limits = {});

  void SetLimits(AdmissionLimits limits);
  const AdmissionLimits& limits() const { return limits_; }

  // kRun: a slot is taken (call Leave() when the call ends). kQueued: `waiter` is woken with
  // OnAdmitted() holding a slot, unless Cancel()led first. kRejected: answer 429.
  Decision Enter(Waiter* waiter);
  // The fast path of Enter: takes a slot if one is free now, without queueing anything.
  bool TryRun();
  // A running call ended: its slot goes to the first waiter, if any.
  void Leave();
  // A queued waiter gave up (its client went away). No-op if it is not queued.
  void Cancel(Waiter* waiter);

  uint32_t running() const { return running_; }
  size_t queued() const { return queue_.size(); }

  // The text of the original's 429 body ({"detail":"too many requests waiting in a queue. ..."},
  // rendered by http::ErrorBody(kTooManyRequests, ...)).
  std::string RejectionMessage() const;

 private:
  AdmissionLimits limits_;
  uint32_t running_ = 0;
  std::list<Waiter*> queue_;
};

}  // namespace gw::admission
