// Out-of-line anchor for racetrack::Job's vtable.
#include "racetrack/job.h"

namespace racetrack {

Job::~Job() = default;

}  // namespace racetrack
