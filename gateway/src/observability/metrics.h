// Every metric the gateway exposes on /metrics, defined in one place (metrics.cc): the original
// runner's job-call and commons families with their exact names, help texts and buckets (spec
// §12.1, §12.2), then the gateway's own families in base units, then the job's gauges fetched
// from the worker on each scrape. Owned by the app and used on the loop thread only. The update
// methods are cheap (a few atomic adds, no allocation, no string building): label children are
// resolved once per endpoint. prometheus-cpp stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gw::observability {

// A gauge defined by the job (Python `metrics()`, C++ `Job::Metrics()`), spec §12.3.
struct JobGauge {
  std::string name;
  double value = 0;
  std::string description;
  std::vector<std::pair<std::string, std::string>> labels;
};

// One worker process (gateway --workers N), read at scrape time.
struct WorkerSnapshot {
  double calls_in_flight = 0;
  uint64_t restarts = 0;  // monotonic
  bool ready = false;
};

// Values read from their owners at scrape time, so the request path never updates them.
struct GatewaySnapshot {
  double requests_in_flight = 0;  // requests admitted and not yet answered
  double queue_depth = 0;         // requests waiting for a concurrency slot
  double open_connections = 0;
  uint64_t worker_restarts = 0;         // monotonic, from the supervisor
  std::vector<WorkerSnapshot> workers;  // by worker index
};

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
 public:
  // Index of a job endpoint ("/perform", "/explain"): the endpoint label is a bounded set.
  using EndpointId = uint32_t;

  explicit Metrics(std::string_view gateway_version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Turns every update into a no-op and /metrics off (gateway --no-metrics), e.g. to measure
  // what the metrics cost.
  void Disable() { enabled_ = false; }
  bool enabled() const { return enabled_; }

  // Resolves (once) the slot of an endpoint path; later calls with the same path return the same
  // id. Its labelled series appear only after their first use, as in the original.
  EndpointId Endpoint(std::string_view path);

  // A call that reached the job endpoint (after body parsing), spec §7.2.
  void OnCallStarted(EndpointId endpoint);
  // `seconds` from admission to reply; `internal_error` for any error outcome (incl. 4xx and
  // 429). Sets last_call_timestamp to the wall-clock time.
  void OnCallDone(EndpointId endpoint, double seconds, bool internal_error);
  // Time the call spent with the worker (from sending to the reply).
  void OnWorkerCallDone(double seconds);
  // Time a call waited in the admission queue, and a request refused with 429.
  void OnQueueWait(double seconds);
  void OnRejected();

  // Every request answered by the app (commons_*), except the bare-prefix redirect.
  void OnHttpRequestStarted();
  void OnHttpRequestDone(double seconds);
  // A 500 from an unmapped job exception ("other Exception" in spec §7.4).
  void OnInternalServerError();

  // The exposition text: the original's families, the gateway's, then the job's gauges.
  std::string Serialize(const GatewaySnapshot& snapshot, const std::vector<JobGauge>& job);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool enabled_ = true;
};

}  // namespace gw::observability
