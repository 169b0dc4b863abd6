// The seed's prime checker as a C++ job: perform(number) -> bool.
// (divisor <= number / divisor: divisor * divisor would overflow near INT64_MAX and loop forever.)
#include <racetrack/job.h>

#include <cstdint>

namespace {

bool IsPrime(std::int64_t number) {
  if (number < 2) return false;
  for (std::int64_t divisor = 2; divisor <= number / divisor; ++divisor) {
    if (number % divisor == 0) return false;
  }
  return true;
}

}  // namespace

class PrimeJob : public racetrack::Job {
 public:
  racetrack::Json Perform(const racetrack::Json& args) override {
    return IsPrime(args.at("number").get<std::int64_t>());
  }

  std::optional<racetrack::Json> InputExample() const override {
    return racetrack::Json{{"number", 7907}};
  }

  std::string Docstring() const override { return "Check if a number is prime"; }

  racetrack::Json Parameters() const override {
    return racetrack::Json::array({{{"name", "number"}, {"type", "int"}}});
  }
};

// A prime check takes microseconds: running it on the thread that read the call, with no pool
// hop, gives the lowest latency (RACETRACK_WORKER_INLINE=0 switches back to the pool).
int main(int argc, char** argv) {
  return racetrack::Serve<PrimeJob>(argc, argv, "PrimeJob", {.inline_calls = true});
}
