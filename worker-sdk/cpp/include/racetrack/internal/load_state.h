// Where a worker is in loading its job. Internal to the SDKs.
#pragma once

namespace racetrack::internal {

enum class LoadState { kLoading, kReady, kFailed };

}  // namespace racetrack::internal
