#include "racetrack/call_context.h"

namespace racetrack {
namespace {

const CallContext kNoCall;
thread_local const CallContext* current_call = nullptr;

}  // namespace

const CallContext& CurrentCall() { return current_call != nullptr ? *current_call : kNoCall; }

namespace internal {

CallScope::CallScope(const CallContext& context) : previous_(current_call) {
  current_call = &context;
}

CallScope::~CallScope() { current_call = previous_; }

}  // namespace internal
}  // namespace racetrack
