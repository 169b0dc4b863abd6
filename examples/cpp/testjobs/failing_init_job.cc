// Test job whose constructor throws: Describe reports FAILED with
// "model file is missing, cause=runtime_error, traceback=" and health stays NOT_SERVING.
#include <racetrack/job.h>

#include <stdexcept>

class FailingInitJob : public racetrack::Job {
 public:
  FailingInitJob() { throw std::runtime_error("model file is missing"); }

  racetrack::Json Perform(const racetrack::Json& /*args*/) override { return nullptr; }
};

int main(int argc, char** argv) { return racetrack::Serve<FailingInitJob>(argc, argv); }
