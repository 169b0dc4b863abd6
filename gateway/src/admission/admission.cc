#include "admission/admission.h"

#include <algorithm>

namespace gw::admission {

Admission::Admission(AdmissionLimits limits) : limits_(limits) {}

void Admission::SetLimits(AdmissionLimits limits) {
  limits_ = limits;
  // A raised (or removed) cap lets waiters in at once.
  while (!queue_.empty() && (limits_.max_concurrency == 0 || running_ < limits_.max_concurrency)) {
    Waiter* next = queue_.front();
    queue_.pop_front();
    ++running_;
    next->OnAdmitted();
  }
}

bool Admission::TryRun() {
  if (limits_.max_concurrency != 0 && running_ >= limits_.max_concurrency) return false;
  ++running_;
  return true;
}

Admission::Decision Admission::Enter(Waiter* waiter) {
  if (TryRun()) return Decision::kRun;
  if (limits_.max_queue && queue_.size() >= *limits_.max_queue) return Decision::kRejected;
  queue_.push_back(waiter);
  return Decision::kQueued;
}

void Admission::Leave() {
  if (running_ > 0) --running_;
  if (queue_.empty() || (limits_.max_concurrency != 0 && running_ >= limits_.max_concurrency)) {
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  ++running_;
  next->OnAdmitted();
}

void Admission::Cancel(Waiter* waiter) {
  auto it = std::find(queue_.begin(), queue_.end(), waiter);
  if (it != queue_.end()) queue_.erase(it);
}

std::string Admission::RejectionMessage() const {
  return "too many requests waiting in a queue. Job is set to process " +
         std::to_string(limits_.max_concurrency) +
         " requests concurrently with a queue of max size " +
         std::to_string(limits_.max_queue.value_or(0));
}

}  // namespace gw::admission
