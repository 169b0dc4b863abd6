// racetrack_job_wrapper._native: the C++ worker runtime (gRPC server, health, Calls streams,
// batching, acks, call pool, dispatch, drain) for Python jobs. The Python side keeps only what
// touches the job; see python_backend.h for the methods the runtime calls on the job host.
#include <pybind11/pybind11.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "python_backend.h"
#include "racetrack/call_context.h"
#include "racetrack/internal/worker_logging.h"
#include "racetrack/internal/worker_options.h"
#include "racetrack/internal/worker_server.h"

namespace racetrack::python {
namespace {

namespace py = pybind11;
using internal::Dispatch;
using internal::LoadState;
using internal::WorkerOptions;
using internal::WorkerServer;

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

const char* StateName(LoadState state) {
  switch (state) {
    case LoadState::kLoading:
      return "loading";
    case LoadState::kReady:
      return "ready";
    case LoadState::kFailed:
      break;
  }
  return "failed";
}

// The runtime, owned by a Python object. Every blocking call releases the GIL: the runtime's
// threads need it to run the job.
class NativeServer {
 public:
  NativeServer(py::object host, const std::string& sdk, const std::string& address,
               std::size_t threads, const std::string& dispatch)
      : options_(internal::OptionsFromEnvironment()) {
    if (!address.empty()) options_.address = address;
    options_.threads = threads;
    // Adaptive unless the environment or the caller says otherwise.
    if (std::getenv("RACETRACK_WORKER_DISPATCH") == nullptr &&
        std::getenv("RACETRACK_WORKER_INLINE") == nullptr) {
      options_.dispatch = Dispatch::kAdaptive;
    }
    // One interpreter runs one call's Python at a time: CPU-bound calls take the busy lane.
    if (std::getenv("RACETRACK_WORKER_BUSY_LANE") == nullptr) options_.busy_lane = true;
    options_.poll_poller = true;
    if (!dispatch.empty() && !internal::ParseDispatch(dispatch, options_.dispatch)) {
      throw std::invalid_argument("unknown dispatch (pool, inline or adaptive): " + dispatch);
    }
    server_ = std::make_unique<WorkerServer>(options_,
                                             std::make_unique<PythonBackend>(std::move(host), sdk));
  }

  ~NativeServer() {
    py::gil_scoped_release release;
    server_.reset();
  }

  void Start() {
    std::string error;
    bool started = false;
    {
      py::gil_scoped_release release;
      started = server_->Start(error);
    }
    if (!started) throw std::runtime_error(error);
  }

  std::string WaitLoaded(double timeout_s) {
    py::gil_scoped_release release;
    return StateName(server_->WaitLoaded(Millis(timeout_s)));
  }

  bool WaitIdle(double timeout_s) {
    py::gil_scoped_release release;
    return server_->WaitStreamsClosed(Millis(timeout_s));
  }

  void Shutdown(double grace_s) {
    py::gil_scoped_release release;
    server_->Shutdown(Millis(grace_s));
  }

  std::string state() const { return StateName(server_->state()); }
  int port() const { return server_->port(); }
  std::size_t threads() const { return server_->threads(); }
  std::string address() const { return options_.address; }
  std::size_t max_message_bytes() const { return options_.max_message_bytes; }
  std::string dispatch() const { return std::string(internal::DispatchName(options_.dispatch)); }

 private:
  WorkerOptions options_;
  std::unique_ptr<WorkerServer> server_;
};

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "The C++ worker runtime that serves a Python job to the Racetrack gateway.";

  py::class_<CallContext>(m, "CallToken",
                          "The gateway's view of a call: cancelled once its client went away or "
                          "its deadline passed.")
      .def_property_readonly("cancelled", &CallContext::cancelled);

  py::class_<NativeServer>(m, "WorkerServer")
      .def(py::init<py::object, const std::string&, const std::string&, std::size_t,
                    const std::string&>(),
           py::arg("host"), py::arg("sdk"), py::arg("address"), py::arg("threads"),
           py::arg("dispatch") = "")
      .def("start", &NativeServer::Start,
           "Serves at once (health NOT_SERVING), then loads the job on a thread of its own.")
      .def("wait_loaded", &NativeServer::WaitLoaded, py::arg("timeout"),
           "Waits until the job is ready or failed; returns 'loading', 'ready' or 'failed'.")
      .def("wait_idle", &NativeServer::WaitIdle, py::arg("timeout"),
           "Waits until the gateway has closed its call streams and no Http request is in "
           "flight; False after `timeout` seconds.")
      .def("shutdown", &NativeServer::Shutdown, py::arg("grace"),
           "Ends the streams once their calls are answered and stops the server.")
      .def_property_readonly("state", &NativeServer::state)
      .def_property_readonly("port", &NativeServer::port)
      .def_property_readonly("threads", &NativeServer::threads)
      .def_property_readonly("address", &NativeServer::address)
      .def_property_readonly("max_message_bytes", &NativeServer::max_message_bytes)
      .def_property_readonly("dispatch", &NativeServer::dispatch);

  m.def("set_up_logging", &internal::SetUpWorkerLogging,
        "Sends the runtime's own log lines to stdout in the gateway's format.");
  m.def("apply_sched_policy", &internal::ApplySchedPolicyFromEnvironment,
        "Puts the calling thread, and the threads and processes it starts afterwards, under the "
        "scheduling policy RACETRACK_SCHED_POLICY names (batch, the default, or normal).");

  // The error types the gateway and both SDKs share, spelled once in the worker contract.
  m.attr("JOB_NOT_READY") = v1::ErrorType_Name(v1::JobNotReady);
  m.attr("WORKER_UNAVAILABLE") = v1::ErrorType_Name(v1::WorkerUnavailable);
  m.attr("TIMEOUT") = v1::ErrorType_Name(v1::Timeout);
}

}  // namespace racetrack::python
