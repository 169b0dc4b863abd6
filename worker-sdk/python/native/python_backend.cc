// The Python job behind the C++ worker runtime: the GIL is held only inside these methods.
#include "python_backend.h"

#include <pybind11/stl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "gil.h"
#include "racetrack/internal/voluntary_switches.h"

namespace racetrack::python {
namespace py = pybind11;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxInterned = 256;

internal::CallOutcome Failed(int status, std::string type, std::string message) {
  return internal::ErrorOutcome(status, std::move(type), std::move(message));
}

// A bug in the SDK's own Python, not in the job (the job's errors are answers already).
internal::CallOutcome InternalError(const py::error_already_set& e) {
  spdlog::error("the Python worker failed to run a call: {}", e.what());
  return Failed(500, "WorkerError", std::string("the Python worker failed: ") + e.what());
}

template <class Repeated>
py::list HeaderList(const Repeated& headers) {
  py::list list(headers.size());
  std::size_t i = 0;
  for (const v1::Header& header : headers) {
    list[i++] = py::make_tuple(py::str(header.name()), py::str(header.value()));
  }
  return list;
}

v1::EndpointKind KindOf(const std::string& kind) {
  if (kind == "perform") return v1::ENDPOINT_KIND_PERFORM;
  if (kind == "auxiliary") return v1::ENDPOINT_KIND_AUXILIARY;
  if (kind == "static") return v1::ENDPOINT_KIND_STATIC;
  if (kind == "webview") return v1::ENDPOINT_KIND_WEBVIEW;
  return v1::ENDPOINT_KIND_UNSPECIFIED;
}

}  // namespace

PythonBackend::PythonBackend(py::object host, std::string sdk)
    : host_(std::move(host)), sdk_(std::move(sdk)) {
  call_ = host_.attr("native_call");
}

PythonBackend::~PythonBackend() {
  Gil gil;
  interned_.clear();
  call_ = py::object();
  host_ = py::object();
}

py::str PythonBackend::Interned(const std::string& text) {
  if (const auto found = interned_.find(text); found != interned_.end()) return found->second;
  py::str made(text);
  // Endpoints and methods are few; a client cannot grow the table past its bound.
  if (interned_.size() < kMaxInterned) interned_.emplace(text, made);
  return made;
}

internal::LoadState PythonBackend::Load() {
  Gil gil;
  try {
    const bool ready = host_.attr("load")().cast<bool>();
    class_name_ = host_.attr("class_name").cast<std::string>();
    if (!ready) {
      init_error_ = host_.attr("init_error").cast<std::string>();
      return internal::LoadState::kFailed;
    }
    BuildDescription();
    return internal::LoadState::kReady;
  } catch (const std::exception& e) {  // the SDK's own Python failed (the job's errors are FAILED)
    init_error_ = std::string("the Python worker failed to load the job: ") + e.what();
    spdlog::error("{}", init_error_);
    return internal::LoadState::kFailed;
  }
}

// Asks the host for its endpoints once, so that Describe never takes the GIL.
void PythonBackend::BuildDescription() {
  const py::tuple described = host_.attr("native_describe")();
  for (const py::handle item : described[0].cast<py::list>()) {
    const py::tuple e = item.cast<py::tuple>();
    v1::Endpoint* endpoint = ready_description_.add_endpoints();
    endpoint->set_path(e[0].cast<std::string>());
    for (const py::handle method : e[1]) endpoint->add_methods(method.cast<std::string>());
    endpoint->set_kind(KindOf(e[2].cast<std::string>()));
    endpoint->set_summary(e[3].cast<std::string>());
    endpoint->set_description(e[4].cast<std::string>());
    if (!e[5].is_none()) endpoint->set_input_example_json(e[5].cast<std::string>());
    endpoint->set_mimetype(e[6].cast<std::string>());
    endpoint->set_openapi_operation_json(e[7].cast<std::string>());
    endpoint->set_path_template(e[8].cast<bool>());
  }
  ready_description_.set_parameters_json(described[1].cast<std::string>());
}

void PythonBackend::Describe(internal::LoadState state, v1::JobDescription& out) const {
  if (state == internal::LoadState::kReady) out = ready_description_;
  if (state != internal::LoadState::kLoading) out.set_class_name(class_name_);
  out.set_sdk(sdk_);
}

void PythonBackend::CollectMetrics(v1::MetricsReply& out) {
  Gil gil;
  try {
    const py::tuple scrape = host_.attr("native_metrics")();
    for (const py::handle item : scrape[0].cast<py::list>()) {
      const py::tuple m = item.cast<py::tuple>();
      v1::JobMetric* metric = out.add_metrics();
      metric->set_name(m[0].cast<std::string>());
      metric->set_value(m[1].cast<double>());
      metric->set_description(m[2].cast<std::string>());
      for (const auto& [key, value] : m[3].cast<py::dict>()) {
        (*metric->mutable_labels())[key.cast<std::string>()] = value.cast<std::string>();
      }
    }
    out.set_error(scrape[1].cast<std::string>());
  } catch (const py::error_already_set& e) {
    out.set_error(e.what());
  } catch (const py::cast_error& e) {
    out.set_error(e.what());
  }
}

internal::CallOutcome PythonBackend::Invoke(const v1::Call& call, const CallContext& context,
                                            bool count_waits) {
  Gil gil;
  const Clock::time_point started = Clock::now();
  const long waits_before = count_waits ? internal::VoluntarySwitches() : 0;
  internal::CallOutcome outcome;
  try {
    py::object deadline = py::none();
    if (const auto at = context.deadline(); at.has_value()) {
      deadline = py::float_(std::chrono::duration<double>(at->time_since_epoch()).count());
    }
    const py::object result =
        call_(Interned(call.endpoint()), py::str(call.payload_json()), Interned(call.method()),
              call.query().empty() ? Interned(call.query()) : py::str(call.query()),
              HeaderList(call.headers()), py::cast(context), deadline);
    if (PyUnicode_Check(result.ptr())) {
      outcome.ok = true;
      outcome.result_json = result.cast<std::string>();
    } else {
      const py::tuple failure = result.cast<py::tuple>();
      outcome = Failed(failure[0].cast<int>(), failure[1].cast<std::string>(),
                       failure[2].cast<std::string>());
    }
  } catch (const py::error_already_set& e) {
    outcome = InternalError(e);
  } catch (const py::cast_error& e) {
    outcome =
        Failed(500, "WorkerError", std::string("the Python worker answered badly: ") + e.what());
  }
  outcome.job_time = Clock::now() - started;
  if (count_waits) outcome.job_waits = internal::VoluntarySwitches() - waits_before;
  return outcome;
}

bool PythonBackend::Http(const v1::HttpRequest& request, v1::HttpResponse& response) {
  Gil gil;
  try {
    const py::tuple answer = host_.attr("native_http")(
        py::str(request.endpoint()), py::str(request.method()), py::str(request.path()),
        py::str(request.query()), HeaderList(request.headers()), py::bytes(request.body()),
        py::str(request.root_path()));
    response.set_status(answer[0].cast<std::uint32_t>());
    for (const py::handle item : answer[1]) {
      const py::tuple header = item.cast<py::tuple>();
      v1::Header* out = response.add_headers();
      out->set_name(header[0].cast<std::string>());
      out->set_value(header[1].cast<std::string>());
    }
    response.set_body(answer[2].cast<std::string>());
  } catch (const std::exception& e) {
    spdlog::error("the Python worker failed to answer an HTTP request: {}", e.what());
    response.Clear();
    response.set_status(500);
    v1::Header* header = response.add_headers();
    header->set_name("content-type");
    header->set_value("application/json");
    // Kept simple: the message is the SDK's own failure, not the job's.
    response.set_body(R"({"error":"the Python worker failed to answer","type":"WorkerError"})");
  }
  return true;
}

}  // namespace racetrack::python
