// The prime check shared by the test jobs that "work like prime".
#pragma once

#include <racetrack/job.h>

#include <cstdint>

namespace testjobs {

inline racetrack::Json PerformPrime(const racetrack::Json& args) {
  const std::int64_t number = args.at("number").get<std::int64_t>();
  if (number < 2) return false;
  for (std::int64_t divisor = 2; divisor <= number / divisor; ++divisor) {
    if (number % divisor == 0) return false;
  }
  return true;
}

}  // namespace testjobs
