// racetrack::Serve<T>(argc, argv): the whole main() of a job. It starts the worker runtime (the
// gRPC server the gateway talks to), constructs T in the background and serves until SIGTERM or
// SIGINT. Flags: --address ADDR (else env RACETRACK_WORKER_ADDRESS), --help.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "racetrack/job.h"

namespace racetrack {

// Builds the job instance; called once, on the loader thread.
using JobFactory = std::function<std::unique_ptr<Job>()>;

// How the worker runs calls. The environment overrides these (RACETRACK_WORKER_THREADS,
// RACETRACK_WORKER_INLINE, RACETRACK_WORKER_DISPATCH), so an operator can retune a built job.
struct ServeOptions {
  // Run each call on the thread that read it, with no pool hop: the lowest latency for jobs that
  // answer in microseconds. A slow call then holds up the calls behind it.
  bool inline_calls = false;
  std::size_t threads = 0;  // call pool size; 0: max(2, CPUs)
};

namespace internal {

// Runs the worker until a termination signal; returns the process exit code.
int RunWorker(int argc, char** argv, std::string class_name, JobFactory factory,
              ServeOptions defaults);

// The unqualified, demangled name of a type ("PrimeJob" for ::PrimeJob or ns::PrimeJob).
std::string ShortTypeName(const std::type_info& type);

}  // namespace internal

// Serves job class T under the given class name (reported to the gateway by Describe).
template <class T>
int Serve(int argc, char** argv, std::string class_name, ServeOptions options = {}) {
  static_assert(std::is_base_of_v<Job, T>, "a job class derives from racetrack::Job");
  static_assert(std::is_default_constructible_v<T>, "a job class needs a default constructor");
  return internal::RunWorker(
      argc, argv, std::move(class_name), [] { return std::unique_ptr<Job>(std::make_unique<T>()); },
      options);
}

// Serves job class T under its own (demangled, unqualified) class name.
template <class T>
int Serve(int argc, char** argv) {
  return Serve<T>(argc, argv, internal::ShortTypeName(typeid(T)));
}

}  // namespace racetrack
