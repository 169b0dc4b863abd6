// How often the calling thread has given up its CPU so far (voluntary context switches: it slept,
// waited on I/O or on a lock). The busy lane counts them around a call's job code
// (dispatch_policy.h). Internal to the SDKs.
#pragma once

#include <sys/resource.h>

namespace racetrack::internal {

inline long VoluntarySwitches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

}  // namespace racetrack::internal
