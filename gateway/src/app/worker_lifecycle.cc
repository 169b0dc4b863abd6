#include "app/worker_lifecycle.h"

#include <uv.h>

#include "api/probes.h"
#include "app/responder.h"
#include "calls/job_calls.h"
#include "config/config.h"
#include "config/job_config.h"
#include "docs/docs_site.h"
#include "forward/grpc_worker_client.h"
#include "loop/loop.h"
#include "observability/log.h"
#include "racetrack_common/sched_policy.h"
#include "routing/job_routes.h"
#include "supervise/supervisor.h"

namespace gw::app {

// One worker: its process (when spawned), its client, and its events, which it passes on with
// its index.
class WorkerLifecycle::Member final : public forward::WorkerEvents {
 public:
  Member(WorkerLifecycle& owner, size_t index) : owner_(owner), index(index) {}

  void OnWorkerReady(const forward::JobDescription& description) override {
    ready = true;
    owner_.OnReady(*this, description);
  }
  void OnWorkerFailed(const std::string& error) override { owner_.OnFailed(error); }
  void OnWorkerLost(const std::string& reason) override {
    ready = false;
    owner_.OnLost(*this, reason);
  }
  void OnWorkerUnreachable(const std::string& reason) override {
    owner_.parts_.probes.SetNotice(reason.empty() ? std::nullopt
                                                  : std::optional<std::string>(reason));
  }

  std::string Name() const {
    return owner_.members_.size() == 1 ? "the worker" : "worker " + std::to_string(index);
  }

  WorkerLifecycle& owner_;
  const size_t index;
  std::string address;
  std::unique_ptr<supervise::Supervisor> supervisor;
  forward::WorkerClient* client = nullptr;  // owned by the pool
  bool ready = false;
};

WorkerLifecycle::WorkerLifecycle(Loop& loop, const config::Config& config,
                                 const config::JobConfig& job, Parts parts)
    : loop_(loop), config_(config), job_(job), parts_(parts) {
  uv_timer_init(loop_.uv(), &stall_timer_);
  stall_timer_.data = this;
}

WorkerLifecycle::~WorkerLifecycle() = default;

bool WorkerLifecycle::Start(std::string* error) {
  pool_ = std::make_unique<forward::WorkerPool>(&parts_.job_calls);
  parts_.job_calls.SetWorker(pool_.get());
  for (size_t i = 0; i < config_.workers; ++i) {
    auto member = std::make_unique<Member>(*this, i);
    if (!config_.worker_command.empty()) {
      supervise::Supervisor::Callbacks callbacks;
      Member* m = member.get();
      callbacks.on_exit = [this, m](const std::string& reason) { OnExit(*m, reason); };
      member->supervisor = std::make_unique<supervise::Supervisor>(
          loop_.uv(), config_.worker_command, std::move(callbacks));
      std::vector<std::string> env = job_.WorkerEnvironment();
      // The worker starts under the gateway's policy and would apply its own default again.
      env.push_back(std::string(racetrack_common::kSchedPolicyEnv) + "=" +
                    racetrack_common::SchedPolicyName(config_.sched_policy));
      member->supervisor->SetExtraEnvironment(std::move(env));
      if (!member->supervisor->Prepare(error)) return false;
      member->address = member->supervisor->address();
    } else {
      member->address = config_.worker_addresses[i];
    }
    forward::WorkerClientOptions options;
    options.address = member->address;
    options.max_message_bytes = config_.max_message_bytes;
    auto client = forward::MakeGrpcWorkerClient(loop_, options, member.get(), pool_.get());
    member->client = client.get();
    pool_->Add(std::move(client));
    members_.push_back(std::move(member));
  }
  for (auto& member : members_) {
    if (!member->supervisor) continue;
    if (int rc = member->supervisor->Start(); rc != 0) {
      *error = "cannot start the worker '" + config_.worker_command[0] + "': " + uv_strerror(rc);
      return false;
    }
  }
  UpdateWorkerCount();
  pool_->Start();
  if (config_.stall_timeout_ms > 0) {
    uv_timer_start(
        &stall_timer_,
        [](uv_timer_t* t) noexcept { static_cast<WorkerLifecycle*>(t->data)->CheckStall(); },
        kStallCheckMs, kStallCheckMs);
    uv_unref(reinterpret_cast<uv_handle_t*>(&stall_timer_));
  }
  return true;
}

void WorkerLifecycle::Stop(std::function<void()> done) {
  stopped_ = std::move(done);
  auto close_timer = [this] {
    uv_close(reinterpret_cast<uv_handle_t*>(&stall_timer_), [](uv_handle_t* h) noexcept {
      std::exchange(static_cast<WorkerLifecycle*>(h->data)->stopped_, nullptr)();
    });
  };
  auto stop_supervisors = [this, close_timer] {
    auto remaining = std::make_shared<size_t>(1);  // one for this loop itself
    auto one_done = [remaining, close_timer] {
      if (--*remaining == 0) close_timer();
    };
    for (auto& member : members_) {
      if (!member->supervisor) continue;
      ++*remaining;
      member->supervisor->Stop(one_done);
    }
    one_done();
  };
  if (pool_) {
    pool_->Shutdown(std::move(stop_supervisors));
  } else {
    stop_supervisors();
  }
}

forward::WorkerClient* WorkerLifecycle::worker() { return pool_.get(); }

size_t WorkerLifecycle::ready_workers() const { return pool_ ? pool_->ready_count() : 0; }

uint64_t WorkerLifecycle::restarts() const {
  uint64_t n = 0;
  for (const auto& member : members_) n += member->supervisor ? member->supervisor->restarts() : 0;
  return n;
}

std::vector<observability::WorkerSnapshot> WorkerLifecycle::WorkerSnapshots() const {
  std::vector<observability::WorkerSnapshot> out;
  out.reserve(members_.size());
  for (const auto& member : members_) {
    out.push_back({static_cast<double>(member->client->in_flight()),
                   member->supervisor ? member->supervisor->restarts() : 0, member->ready});
  }
  return out;
}

std::string WorkerLifecycle::addresses() const {
  std::string out;
  for (const auto& member : members_) {
    if (!out.empty()) out += ", ";
    out += member->address;
  }
  return out;
}

void WorkerLifecycle::OnReady(Member& member, const forward::JobDescription& description) {
  UpdateWorkerCount();
  // The worker logs "loaded job class" itself; this line says what the gateway now forwards to.
  log::Info(member.Name() + " ready: " + description.class_name + " (" + description.sdk +
            ", runs " + std::to_string(description.max_concurrency) + " calls at once)");
  if (pool_->ready_count() == 1) JobReady(description);
}

void WorkerLifecycle::JobReady(const forward::JobDescription& description) {
  const config::ManifestLoad& manifest = job_.manifest;
  parts_.view.perform_example = description.perform_example_json;
  parts_.job_routes.Set(routing::JobEndpointsFrom(description.endpoints));
  parts_.job_calls.ClearStaticCache();
  parts_.probes.SetInitError(manifest.error);
  parts_.probes.SetFault(std::nullopt);  // a new incarnation: whatever wedged the last is gone
  if (manifest.error) return;            // the job stays failed: /live 500, /ready 500
  parts_.view.root_location = job_.identity.base_url + manifest.manifest.home_page;
  parts_.docs.OnWorkerReady(description, job_.identity);  // env, else manifest, else placeholders
  parts_.probes.SetJobName(job_.identity.name);
  parts_.probes.SetReady(!parts_.responder.draining());
  log::Info("Server is ready");
}

void WorkerLifecycle::OnFailed(const std::string& error) {
  parts_.probes.SetInitError(job_.manifest.error ? job_.manifest.error : error);
  // The worker has logged "Initialization error: ..." with the details.
  log::Warn("the worker could not load the job; /live answers 500 with its error");
}

void WorkerLifecycle::OnLost(Member& member, const std::string& reason) {
  UpdateWorkerCount();
  log::Error(member.Name() + " lost: " + reason);
  if (pool_->ready_count() == 0) JobUnready();
}

// A supervised process exited: only its calls fail, and its next incarnation loads afresh.
void WorkerLifecycle::OnExit(Member& member, const std::string& reason) {
  member.ready = false;
  UpdateWorkerCount();
  if (pool_->ready_count() == 0) {
    JobUnready();
    parts_.probes.SetInitError(job_.manifest.error);
  }
  member.client->Reset(reason);
}

void WorkerLifecycle::OnStuckCall(uint64_t id) {
  std::string what = "call " + std::to_string(id) + " still runs " +
                     std::to_string(config_.stuck_call_grace_ms) +
                     " ms after its deadline and did not end when cancelled";
  std::optional<size_t> owner = pool_->OwnerOf(id);
  Member* member = owner ? members_[*owner].get() : nullptr;
  if (member != nullptr && member->supervisor) {
    log::Error("restarting " + member->Name() + ": " + what);
    member->supervisor->Kill();  // its calls end with 502; it is restarted and counted as a crash
    return;
  }
  // A worker run by someone else cannot be restarted from here: fail /live, so that its
  // orchestrator does.
  log::Error("the worker is wedged: " + what);
  parts_.probes.SetFault("the worker is wedged: " + what);
}

// Calls in flight and none ended for --stall-timeout-ms: the workers are wedged (e.g. a job stuck
// in a loop that runs calls inline), and /live says so until they make progress again.
void WorkerLifecycle::CheckStall() {
  if (!pool_ || !pool_->ready()) return;
  uint64_t idle = uv_now(loop_.uv()) - pool_->last_progress_ms();
  if (pool_->in_flight() == 0 || idle < config_.stall_timeout_ms) {
    parts_.probes.SetFault(std::nullopt);
    return;
  }
  std::string fault = "the worker has ended no call for " + std::to_string(idle) + " ms with " +
                      std::to_string(pool_->in_flight()) + " in flight";
  if (parts_.probes.live()) log::Error(fault);
  parts_.probes.SetFault(fault);
}

void WorkerLifecycle::UpdateWorkerCount() {
  parts_.probes.SetWorkers(pool_ ? pool_->ready_count() : 0, members_.size());
}

void WorkerLifecycle::JobUnready() {
  parts_.probes.SetReady(false);
  parts_.view.root_location.clear();
  parts_.docs.OnWorkerGone();
}

}  // namespace gw::app
