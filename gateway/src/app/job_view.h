// What the app currently knows about the job, kept by WorkerLifecycle as the worker comes and
// goes, and read by the Dispatcher on every request. Loop thread only.
#pragma once

#include <optional>
#include <string>

namespace gw::app {

struct JobView {
  std::optional<std::string> perform_example;  // the body used for an empty perform request
  std::string root_location;                   // where `/` redirects; "" while not ready
};

}  // namespace gw::app
