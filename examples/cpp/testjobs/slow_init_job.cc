// Test job: the constructor takes SLOW_INIT_MS milliseconds (default 2000), then it is the prime
// checker. Exercises the LOADING state (health NOT_SERVING, /ready 500).
#include <racetrack/job.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "prime_check.h"

class SlowInitJob : public racetrack::Job {
 public:
  SlowInitJob() {
    const char* text = std::getenv("SLOW_INIT_MS");
    const long ms = text != nullptr && *text != '\0' ? std::strtol(text, nullptr, 10) : 2000;
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }

  racetrack::Json Perform(const racetrack::Json& args) override {
    return testjobs::PerformPrime(args);
  }

  std::optional<racetrack::Json> InputExample() const override {
    return racetrack::Json{{"number", 7907}};
  }

  std::string Docstring() const override { return "Check if a number is prime"; }

  racetrack::Json Parameters() const override {
    return racetrack::Json::array({{{"name", "number"}, {"type", "int"}}});
  }
};

int main(int argc, char** argv) { return racetrack::Serve<SlowInitJob>(argc, argv); }
