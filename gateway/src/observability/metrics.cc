// All metric definitions of the gateway (STYLE.md §8). The first two groups copy the original
// runner's registry (spec §12.1, §12.2) name for name: its counters are defined here with the
// `_total` suffix that prometheus_client adds on exposition, so HELP, TYPE and sample lines read
// the same. Differences that remain, by design: numbers are printed by prometheus-cpp ("17",
// not "17.0"; le="1" not le="1.0"), a histogram's _count and _sum come before its buckets, there
// are no `_created` series and no python_* / process_* default collectors.
#include "observability/metrics.h"

#include <prometheus/check_names.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <map>
#include <sstream>

namespace gw::observability {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::MetricFamily;
using prometheus::MetricType;

// The original's buckets (+Inf is implicit in prometheus-cpp).
const Histogram::BucketBoundaries kOriginalBuckets = {
    .001, .0025, .005, .01,  .025, .05,  .075, .1,    .25,   .5,    .75,   1.0,
    2.5,  5.0,   7.5,  10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0};

// The gateway answers many requests in well under a millisecond.
const Histogram::BucketBoundaries kGatewayBuckets = {.0001, .00025, .0005, .001, .0025, .005,
                                                     .01,   .025,   .05,   .1,   .25,   .5,
                                                     1.0,   2.5,    5.0,   10.,  30.,   60.};

constexpr std::string_view kEndpointLabel = "endpoint";

struct Definition {
  std::string name;
  std::string help;
  MetricType type;
};

}  // namespace

struct Metrics::Impl {
  // The labelled children of one endpoint, created on first use.
  struct EndpointSlot {
    std::string path;
    Counter* started = nullptr;
    Counter* errors = nullptr;
    Histogram* duration = nullptr;
  };

  prometheus::Registry registry;
  std::vector<Definition> order;  // registration order, for the exposition

  template <typename Builder>
  auto& Register(Builder builder, std::string name, std::string help, MetricType type) {
    order.push_back(Definition{name, help, type});
    return builder.Name(std::move(name)).Help(std::move(help)).Register(registry);
  }
  Family<Counter>& AddCounter(std::string name, std::string help) {
    return Register(prometheus::BuildCounter(), std::move(name), std::move(help),
                    MetricType::Counter);
  }
  Family<Gauge>& AddGauge(std::string name, std::string help) {
    return Register(prometheus::BuildGauge(), std::move(name), std::move(help), MetricType::Gauge);
  }
  Family<Histogram>& AddHistogram(std::string name, std::string help) {
    return Register(prometheus::BuildHistogram(), std::move(name), std::move(help),
                    MetricType::Histogram);
  }

  // spec §12.1: racetrack_job_wrapper/metrics.py
  Family<Counter>& request_internal_errors =
      AddCounter("request_internal_errors_total", "Number of server errors when calling a Job");
  Family<Histogram>& request_duration = AddHistogram("request_duration", "Duration of model call");
  Counter& requests_started =
      AddCounter("requests_started_total",
                 "Total number of started requests calling Job (may be not finished yet)")
          .Add({});
  Counter& requests_done =
      AddCounter("requests_done_total",
                 "Total number of finished requests calling Job (processed and done)")
          .Add({});
  Family<Counter>& endpoint_requests_started =
      AddCounter("endpoint_requests_started_total",
                 "Total number of started requests calling Job (may be not finished yet)");
  Gauge& last_call_timestamp =
      AddGauge("last_call_timestamp", "Timestamp (in seconds) of the last request calling Job")
          .Add({});

  // spec §12.2: racetrack_job_wrapper/api/metrics.py
  Counter& commons_internal_server_errors =
      AddCounter("commons_internal_server_errors_total",
                 "Number of Internal Server Errors (500) caught by error handler")
          .Add({});
  Histogram& commons_request_duration =
      AddHistogram("commons_request_duration", "Duration of API requests in seconds")
          .Add({}, kOriginalBuckets);
  Counter& commons_requests_started =
      AddCounter("commons_requests_started_total",
                 "Total number of started API requests (may be not finished yet)")
          .Add({});
  Counter& commons_requests_done =
      AddCounter("commons_requests_done_total",
                 "Total number of finished API requests (processed and done)")
          .Add({});

  // The gateway's own, in base units.
  Histogram& request_seconds =
      AddHistogram("racetrack_gateway_request_duration_seconds",
                   "Time from a request's arrival at the gateway to its response, in seconds")
          .Add({}, kGatewayBuckets);
  Histogram& queue_wait_seconds =
      AddHistogram("racetrack_gateway_queue_wait_seconds",
                   "Time calls waited for a concurrency slot, in seconds")
          .Add({}, kGatewayBuckets);
  Histogram& worker_call_seconds =
      AddHistogram("racetrack_gateway_worker_call_seconds",
                   "Time from sending a call to the worker to its reply, in seconds")
          .Add({}, kGatewayBuckets);
  Gauge& requests_in_flight =
      AddGauge("racetrack_gateway_requests_in_flight",
               "Job calls admitted (running or queued) and not yet answered")
          .Add({});
  Gauge& queue_depth =
      AddGauge("racetrack_gateway_queue_depth", "Job calls waiting for a concurrency slot").Add({});
  Counter& rejected = AddCounter("racetrack_gateway_rejected_requests_total",
                                 "Job calls refused with 429 because the queue was full")
                          .Add({});
  Counter& worker_restarts = AddCounter("racetrack_gateway_worker_restarts_total",
                                        "Times the supervised worker process was restarted")
                                 .Add({});
  Gauge& open_connections =
      AddGauge("racetrack_gateway_open_connections", "Client connections currently open").Add({});
  Gauge& workers_ready =
      AddGauge("racetrack_gateway_workers_ready", "Worker processes ready to take calls").Add({});
  Family<Gauge>& worker_calls_in_flight =
      AddGauge("racetrack_gateway_worker_calls_in_flight",
               "Calls a worker process has and has not ended yet, by worker");
  Family<Counter>& worker_process_restarts =
      AddCounter("racetrack_gateway_worker_process_restarts_total",
                 "Times a worker process was restarted, by worker");
  Family<Gauge>& build_info =
      AddGauge("racetrack_gateway_build_info", "Gateway build information (always 1)");

  std::vector<EndpointSlot> endpoints;

  void SerializeOwn(std::ostream& out);
};

Metrics::Metrics(std::string_view gateway_version) : impl_(std::make_unique<Impl>()) {
  impl_->build_info.Add({{"version", std::string(gateway_version)}}).Set(1);
}

Metrics::~Metrics() = default;

Metrics::EndpointId Metrics::Endpoint(std::string_view path) {
  auto& slots = impl_->endpoints;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].path == path) return static_cast<EndpointId>(i);
  }
  slots.push_back(Impl::EndpointSlot{std::string(path)});
  return static_cast<EndpointId>(slots.size() - 1);
}

void Metrics::OnCallStarted(EndpointId endpoint) {
  if (!enabled_) return;
  Impl& d = *impl_;
  Impl::EndpointSlot& slot = d.endpoints[endpoint];
  if (slot.started == nullptr) {
    slot.started = &d.endpoint_requests_started.Add({{std::string(kEndpointLabel), slot.path}});
  }
  d.requests_started.Increment();
  slot.started->Increment();
}

void Metrics::OnCallDone(EndpointId endpoint, double seconds, bool internal_error) {
  if (!enabled_) return;
  Impl& d = *impl_;
  Impl::EndpointSlot& slot = d.endpoints[endpoint];
  if (internal_error) {
    if (slot.errors == nullptr) {
      slot.errors = &d.request_internal_errors.Add({{std::string(kEndpointLabel), slot.path}});
    }
    slot.errors->Increment();
  }
  if (slot.duration == nullptr) {
    slot.duration =
        &d.request_duration.Add({{std::string(kEndpointLabel), slot.path}}, kOriginalBuckets);
  }
  slot.duration->Observe(seconds);
  d.requests_done.Increment();
  d.last_call_timestamp.Set(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void Metrics::OnWorkerCallDone(double seconds) {
  if (!enabled_) return;
  impl_->worker_call_seconds.Observe(seconds);
}
void Metrics::OnQueueWait(double seconds) {
  if (!enabled_) return;
  impl_->queue_wait_seconds.Observe(seconds);
}
void Metrics::OnRejected() {
  if (!enabled_) return;
  impl_->rejected.Increment();
}

void Metrics::OnHttpRequestStarted() {
  if (!enabled_) return;
  impl_->commons_requests_started.Increment();
}

void Metrics::OnHttpRequestDone(double seconds) {
  if (!enabled_) return;
  impl_->commons_request_duration.Observe(seconds);
  impl_->commons_requests_done.Increment();
  impl_->request_seconds.Observe(seconds);
}

void Metrics::OnInternalServerError() {
  if (!enabled_) return;
  impl_->commons_internal_server_errors.Increment();
}

// Families in registration order. prometheus-cpp collects by type and drops families without
// series; the original shows HELP and TYPE for those (a labelled family before its first use).
void Metrics::Impl::SerializeOwn(std::ostream& out) {
  std::vector<MetricFamily> collected = registry.Collect();
  std::vector<MetricFamily> ordered;
  ordered.reserve(order.size());
  for (const Definition& def : order) {
    MetricFamily family{def.name, def.help, def.type, {}};
    for (MetricFamily& c : collected) {
      if (c.name == def.name) family.metric = std::move(c.metric);
    }
    ordered.push_back(std::move(family));
  }
  prometheus::TextSerializer().Serialize(out, ordered);
}

namespace {

// Job gauges grouped by name (first appearance order; the first description wins). Invalid
// names or label names are skipped: one bad item must not spoil the whole exposition.
std::vector<MetricFamily> JobFamilies(const std::vector<JobGauge>& job) {
  std::vector<MetricFamily> families;
  for (const JobGauge& g : job) {
    if (!prometheus::CheckMetricName(g.name)) continue;
    prometheus::ClientMetric sample;
    bool labels_ok = true;
    for (const auto& [name, value] : g.labels) {
      labels_ok = labels_ok && prometheus::CheckLabelName(name);
      sample.label.push_back({name, value});
    }
    if (!labels_ok) continue;
    sample.gauge.value = g.value;
    MetricFamily* family = nullptr;
    for (MetricFamily& f : families) {
      if (f.name == g.name) family = &f;
    }
    if (family == nullptr) {
      families.push_back(MetricFamily{g.name, g.description, MetricType::Gauge, {}});
      family = &families.back();
    }
    family->metric.push_back(std::move(sample));
  }
  return families;
}

}  // namespace

std::string Metrics::Serialize(const GatewaySnapshot& snapshot, const std::vector<JobGauge>& job) {
  Impl& d = *impl_;
  d.requests_in_flight.Set(snapshot.requests_in_flight);
  d.queue_depth.Set(snapshot.queue_depth);
  d.open_connections.Set(snapshot.open_connections);
  double restarts = static_cast<double>(snapshot.worker_restarts);
  if (restarts > d.worker_restarts.Value()) {
    d.worker_restarts.Increment(restarts - d.worker_restarts.Value());
  }
  double ready = 0;
  for (size_t i = 0; i < snapshot.workers.size(); ++i) {
    const WorkerSnapshot& w = snapshot.workers[i];
    std::map<std::string, std::string> label{{"worker", std::to_string(i)}};
    d.worker_calls_in_flight.Add(label).Set(w.calls_in_flight);
    Counter& counter = d.worker_process_restarts.Add(label);
    if (static_cast<double>(w.restarts) > counter.Value()) {
      counter.Increment(static_cast<double>(w.restarts) - counter.Value());
    }
    ready += w.ready ? 1 : 0;
  }
  d.workers_ready.Set(ready);
  std::ostringstream out;
  d.SerializeOwn(out);
  if (!job.empty()) prometheus::TextSerializer().Serialize(out, JobFamilies(job));
  return std::move(out).str();
}

}  // namespace gw::observability
