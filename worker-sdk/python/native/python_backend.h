// PythonBackend: the C++ worker runtime's view of a Python job. Every method takes the GIL only
// around the Python it calls (the runtime's gRPC and pool threads run without it) and calls one
// method of the Python job host (racetrack_job_wrapper._worker.host.JobHost):
//   load() -> bool                      construct the job (True: ready)
//   init_error: str                     why loading failed
//   class_name: str
//   native_describe() -> (endpoints, parameters_json)
//   native_call(endpoint, payload, method, query, headers, token, deadline) -> str | (status, type,
//   message) native_http(endpoint, method, path, query, headers, body, root_path) -> (status,
//   headers, body) native_metrics() -> ([(name, value, description, labels)], error)
// Headers travel as lists of (name, value) tuples; a deadline as a time.monotonic() value or None.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <unordered_map>

#include "racetrack/internal/job_backend.h"

namespace racetrack::python {

namespace v1 = racetrack::worker::v1;

class PythonBackend final : public internal::JobBackend {
 public:
  PythonBackend(pybind11::object host, std::string sdk);
  ~PythonBackend() override;  // drops the host under the GIL

  internal::LoadState Load() override;
  std::string InitError() const override { return init_error_; }
  void Describe(internal::LoadState state, v1::JobDescription& out) const override;
  void CollectMetrics(v1::MetricsReply& out) override;
  internal::CallOutcome Invoke(const v1::Call& call, const CallContext& context,
                               bool count_waits) override;
  bool Http(const v1::HttpRequest& request, v1::HttpResponse& response) override;

 private:
  void BuildDescription();

  // The Python string for `text`, made once: endpoints and methods repeat from call to call.
  pybind11::str Interned(const std::string& text);

  pybind11::object host_;
  pybind11::object call_;  // host.native_call, looked up once
  std::unordered_map<std::string, pybind11::str>
      interned_;  // under the GIL; bounded (kMaxInterned)
  const std::string sdk_;
  // Written by Load before the runtime publishes its state; read only after.
  std::string init_error_;
  std::string class_name_;
  v1::JobDescription ready_description_;
};

}  // namespace racetrack::python
