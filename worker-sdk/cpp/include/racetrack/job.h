// The base class of a C++ Racetrack job: override Perform (and optionally the docs hooks), then
// hand the class to racetrack::Serve<T>() from main(). The SDK owns the instance: it constructs
// it once on a background thread and calls Perform from several pool threads at once, so
// Perform must be safe to call concurrently (keep per-call state on the stack).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "racetrack/errors.h"

namespace racetrack {

using Json = nlohmann::json;

class Job {
 public:
  virtual ~Job();

  // The main action, served at POST /api/v1/perform. `args` is the request's JSON object (its
  // keys play the role of the original's keyword arguments). Reading a missing key or a value of
  // the wrong type with args.at(...).get<T>() yields 400 "ValueError"; see errors.h for others.
  virtual Json Perform(const Json& args) = 0;

  // The example payload shown in the docs and used when a request has no body.
  virtual std::optional<Json> InputExample() const { return std::nullopt; }

  // The description of /perform in the docs.
  virtual std::string Docstring() const { return {}; }

  // The body of GET /api/v1/parameters, e.g. [{"name":"number","type":"int"}].
  virtual Json Parameters() const { return Json::array(); }
};

}  // namespace racetrack

// Jobs include only this header; Serve<T> comes with it.
#include "racetrack/serve.h"
