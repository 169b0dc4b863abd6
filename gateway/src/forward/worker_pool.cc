#include "forward/worker_pool.h"

#include <algorithm>
#include <string>
#include <utility>

namespace gw::forward {

void LabelByWorker(std::vector<observability::JobGauge>& gauges, size_t worker,
                   std::vector<observability::JobGauge>& out) {
  std::string index = std::to_string(worker);
  for (observability::JobGauge& g : gauges) {
    for (auto& label : g.labels) {
      if (label.first == "worker") label.first = "exported_worker";
    }
    g.labels.emplace_back("worker", index);
    out.push_back(std::move(g));
  }
}

size_t WorkerPool::ready_count() const {
  return static_cast<size_t>(
      std::count_if(members_.begin(), members_.end(), [](const auto& m) { return m->ready(); }));
}

std::optional<size_t> WorkerPool::OwnerOf(uint64_t id) const {
  if (members_.size() == 1) return 0;
  if (auto it = owner_.find(id); it != owner_.end()) return it->second;
  return std::nullopt;
}

void WorkerPool::Start() {
  for (auto& m : members_) m->Start();
}

void WorkerPool::Reset(const std::string& reason) {
  for (auto& m : members_) m->Reset(reason);
}

void WorkerPool::Shutdown(std::function<void()> done) {
  auto remaining = std::make_shared<size_t>(members_.size());
  auto one_done = [remaining, done = std::move(done)] {
    if (--*remaining == 0) done();
  };
  for (auto& m : members_) m->Shutdown(one_done);
}

const JobDescription* WorkerPool::description() const {
  for (const auto& m : members_) {
    if (const JobDescription* d = m->description()) return d;
  }
  return nullptr;
}

size_t WorkerPool::in_flight() const {
  size_t n = 0;
  for (const auto& m : members_) n += m->in_flight();
  return n;
}

// The pool makes progress if any member with calls does; a member without calls is not stalled.
uint64_t WorkerPool::last_progress_ms() const {
  uint64_t latest = 0;
  for (const auto& m : members_) {
    if (m->in_flight() > 0) latest = std::max(latest, m->last_progress_ms());
  }
  return latest;
}

size_t WorkerPool::Pick() const {
  size_t best = 0;
  bool found = false;
  for (size_t i = 0; i < members_.size(); ++i) {
    if (!members_[i]->ready()) continue;
    if (!found || members_[i]->in_flight() < members_[best]->in_flight()) {
      best = i;
      found = true;
    }
  }
  return best;
}

void WorkerPool::StartCall(uint64_t id, std::string_view endpoint, std::string&& payload_json,
                           const http::Request& request, uint32_t timeout_ms) {
  size_t i = members_.size() == 1 ? 0 : Pick();
  if (members_.size() > 1) owner_.emplace(id, i);
  members_[i]->StartCall(id, endpoint, std::move(payload_json), request, timeout_ms);
}

void WorkerPool::StartHttp(uint64_t id, HttpCall&& call, uint32_t timeout_ms) {
  size_t i = members_.size() == 1 ? 0 : Pick();
  if (members_.size() > 1) owner_.emplace(id, i);
  members_[i]->StartHttp(id, std::move(call), timeout_ms);
}

void WorkerPool::Cancel(uint64_t id) {
  if (members_.size() == 1) {
    members_[0]->Cancel(id);
    return;
  }
  if (auto it = owner_.find(id); it != owner_.end()) members_[it->second]->Cancel(id);
}

// Each ready member's gauges, labelled worker="<index>" as the pool's own per-worker series are:
// every worker hosts its own job instance, so their values differ and none stands for the others.
// A job label named `worker` keeps its value as `exported_worker`, as Prometheus renames a target's
// clashing label. With one member the gauges pass through unlabelled, as the original's.
void WorkerPool::CollectGauges(GaugesDone done) {
  if (members_.size() == 1) {
    members_[0]->CollectGauges(std::move(done));
    return;
  }
  struct Gathering {
    std::vector<std::vector<observability::JobGauge>> by_member;
    size_t remaining = 0;
    GaugesDone done;
  };
  auto gathering = std::make_shared<Gathering>();
  gathering->by_member.resize(members_.size());
  gathering->remaining = ready_count();
  gathering->done = std::move(done);
  if (gathering->remaining == 0) {
    gathering->done({});
    return;
  }
  for (size_t i = 0; i < members_.size(); ++i) {
    if (!members_[i]->ready()) continue;
    members_[i]->CollectGauges([gathering, i](std::vector<observability::JobGauge> gauges) {
      gathering->by_member[i] = std::move(gauges);
      if (--gathering->remaining > 0) return;
      std::vector<observability::JobGauge> all;
      for (size_t member = 0; member < gathering->by_member.size(); ++member) {
        LabelByWorker(gathering->by_member[member], member, all);
      }
      gathering->done(std::move(all));
    });
  }
}

void WorkerPool::OnCallDone(uint64_t id, CallResult& result) {
  if (result.worker_done && members_.size() > 1) owner_.erase(id);
  sink_->OnCallDone(id, result);
}

}  // namespace gw::forward
