// The base class of a C++ Racetrack job: override Perform (and optionally the docs hooks), then
// hand the class to racetrack::Serve<T>() from main(). The SDK owns the instance: it constructs
// it once on a background thread and calls Perform from several pool threads at once, so
// Perform must be safe to call concurrently (keep per-call state on the stack).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "racetrack/call_context.h"
#include "racetrack/errors.h"

namespace racetrack {

using Json = nlohmann::json;

// One of the job's own gauges, exposed on the gateway's /metrics as
//   # HELP <name> <description>
//   # TYPE <name> gauge
//   <name>{<labels>} <value>
struct Metric {
  std::string name;  // a Prometheus metric name, e.g. "job_positives"
  double value = 0;
  std::string description;
  std::map<std::string, std::string> labels;
};

// An extra JSON endpoint next to perform (the original's `auxiliary_endpoints`, v1), served at
// POST /api/v1<path> with the same body rules, error mapping and result serialisation as perform.
// Write {handler}, {handler, example} or {handler, example, "docstring"}.
struct AuxiliaryEndpoint {
  AuxiliaryEndpoint() = default;
  AuxiliaryEndpoint(std::function<Json(const Json& args)> fn, std::optional<Json> example = {},
                    std::string doc = {})
      : handler(std::move(fn)), input_example(std::move(example)), docstring(std::move(doc)) {}

  // Called like Perform: `args` is the request's JSON object; may run on several threads at once.
  std::function<Json(const Json& args)> handler;
  // The example payload shown in the docs and used when a request has no body.
  std::optional<Json> input_example;
  // The endpoint's description in the docs.
  std::string docstring;
};

class Job {
 public:
  virtual ~Job();

  // The main action, served at POST /api/v1/perform. `args` is the request's JSON object (its
  // keys play the role of the original's keyword arguments). Reading a missing key or a value of
  // the wrong type with args.at(...).get<T>() yields 400 "ValueError"; see errors.h for others.
  // racetrack::CurrentCall() says whether the call has been cancelled, and its deadline.
  virtual Json Perform(const Json& args) = 0;

  // The example payload shown in the docs and used when a request has no body.
  virtual std::optional<Json> InputExample() const { return std::nullopt; }

  // The description of /perform in the docs.
  virtual std::string Docstring() const { return {}; }

  // The body of GET /api/v1/parameters, e.g. [{"name":"number","type":"int"}].
  virtual Json Parameters() const { return Json::array(); }

  // Auxiliary endpoints by path, e.g. {"/explain", {[this](const Json& a) { return Explain(a); }}}.
  // A missing leading slash is added ("explain" is "/explain"); "/perform" stays perform's.
  // Called once, right after construction; the handlers are kept for the job's lifetime.
  virtual std::map<std::string, AuxiliaryEndpoint> AuxiliaryEndpoints() { return {}; }

  // The job's gauges, collected on every scrape of /metrics (the original's `metrics()`). Called
  // on a gRPC thread, possibly while Perform runs: keep it quick and thread-safe. An exception
  // leaves the job's gauges out of that scrape.
  virtual std::vector<Metric> Metrics() { return {}; }
};

}  // namespace racetrack

// Jobs include only this header; Serve<T> comes with it.
#include "racetrack/serve.h"
