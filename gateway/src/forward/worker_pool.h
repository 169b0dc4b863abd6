// Several workers behind one WorkerClient (gateway --workers N, or --worker-address given several
// times): each call goes to the ready member with the fewest calls in flight, and its cancel to
// the member that has it. Members are independent WorkerClients (their own link and stream): one
// that dies fails only its own calls and is restarted alone. The job is ready while at least one
// member is. With one member, calls pass straight through. /metrics gets every ready member's job
// gauges, each labelled with its worker. Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "forward/worker_client.h"

namespace gw::forward {

// Moves `gauges` of member `worker` to `out`, each with the label worker="<worker>" (a job label of
// that name becomes `exported_worker`).
void LabelByWorker(std::vector<observability::JobGauge>& gauges, size_t worker,
                   std::vector<observability::JobGauge>& out);

class WorkerPool final : public WorkerClient, public CallSink {
 public:
  // Results of the members' calls come to the pool (it is their sink) and go on to `sink`.
  explicit WorkerPool(CallSink* sink) : sink_(sink) {}

  void Add(std::unique_ptr<WorkerClient> member) { members_.push_back(std::move(member)); }
  WorkerClient& member(size_t i) { return *members_[i]; }
  size_t size() const { return members_.size(); }
  size_t ready_count() const;
  // The member that has call `id`.
  std::optional<size_t> OwnerOf(uint64_t id) const;

  // WorkerClient
  void Start() override;
  void Reset(const std::string& reason) override;
  void Shutdown(std::function<void()> done) override;
  bool ready() const override { return ready_count() > 0; }
  const JobDescription* description() const override;
  size_t in_flight() const override;
  uint64_t last_progress_ms() const override;
  void StartCall(uint64_t id, std::string_view endpoint, std::string&& payload_json,
                 const http::Request& request, uint32_t timeout_ms) override;
  void StartHttp(uint64_t id, HttpCall&& call, uint32_t timeout_ms) override;
  void Cancel(uint64_t id) override;
  void CollectGauges(GaugesDone done) override;

  // CallSink: a member's result.
  void OnCallDone(uint64_t id, CallResult& result) override;

 private:
  // The ready member with the fewest calls in flight (member 0 if none is ready: it answers
  // "not ready").
  size_t Pick() const;

  CallSink* sink_;
  std::vector<std::unique_ptr<WorkerClient>> members_;
  std::unordered_map<uint64_t, size_t> owner_;  // call id → member, with several members
};

}  // namespace gw::forward
