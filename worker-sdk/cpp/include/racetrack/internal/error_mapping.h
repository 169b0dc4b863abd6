// The one table that turns an exception thrown by a job into the `{status, type, message}` the
// gateway renders as `{"error","type"}` (spec §7.4), and the init-failure text (spec §6.1).
// Internal to the SDK; exposed for tests.
#pragma once

#include <exception>
#include <string>

namespace racetrack::internal {

struct ErrorInfo {
  int http_status = 500;
  std::string type;
  std::string message;
};

// Maps an exception thrown by a job call. Never throws.
ErrorInfo MapJobException(std::exception_ptr error) noexcept;

// "<message>, cause=<RootType>, traceback=" for an exception thrown while constructing the job.
// C++ has no traceback, so the traceback part is empty; the root cause follows
// std::nested_exception like Python's __cause__ chain.
std::string FormatInitError(std::exception_ptr error);

}  // namespace racetrack::internal
