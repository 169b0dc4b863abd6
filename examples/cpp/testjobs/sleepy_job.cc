// Test job for timeouts, concurrency, crashes and error mapping:
//   {"ms": N}           sleeps N ms, returns {"slept": N}; stops early once the call is
//                       cancelled (then returns {"slept": <ms so far>, "cancelled": true})
//   {"ms": N, "ignore_cancel": true}   sleeps N ms whatever happens (a stuck call)
//   {"crash": true}     the process dies at once (std::abort)
//   {"exit": N}         the process exits with code N (_exit)
//   {"raise": KIND}     throws: "value" ValueError (400), "notfound" EntityNotFound (404),
//                       "exists" AlreadyExists (409), "runtime" std::runtime_error (500),
//                       "unauthorized" Unauthorized (401), "validation" ValidationError (400)
#include <racetrack/job.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

void Raise(const std::string& kind) {
  if (kind == "value") throw racetrack::ValueError("bad value");
  if (kind == "notfound") throw racetrack::EntityNotFound("no such thing");
  if (kind == "exists") throw racetrack::AlreadyExists("already there");
  if (kind == "unauthorized") throw racetrack::Unauthorized("no token", "missing header");
  if (kind == "validation") throw racetrack::ValidationError("invalid input");
  if (kind == "runtime") throw std::runtime_error("something broke");
  throw racetrack::ValueError("unknown raise kind: " + kind);
}

}  // namespace

class SleepyJob : public racetrack::Job {
 public:
  racetrack::Json Perform(const racetrack::Json& args) override {
    if (args.value("crash", false)) std::abort();
    if (args.contains("exit")) _exit(args.at("exit").get<int>());
    if (args.contains("raise")) Raise(args.at("raise").get<std::string>());
    const std::int64_t ms = args.value("ms", std::int64_t{0});
    if (args.value("ignore_cancel", false)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return racetrack::Json{{"slept", ms}};
    }
    // Sleeps in slices, polling the call's cancellation between them.
    constexpr std::chrono::milliseconds kSlice{5};
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
      if (racetrack::CurrentCall().cancelled()) {
        auto so_far = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        return racetrack::Json{{"slept", so_far.count()}, {"cancelled", true}};
      }
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          kSlice, until - std::chrono::steady_clock::now()));
    }
    return racetrack::Json{{"slept", ms}};
  }

  std::optional<racetrack::Json> InputExample() const override {
    return racetrack::Json{{"ms", 10}};
  }

  std::string Docstring() const override { return "Sleep for a while"; }

  racetrack::Json Parameters() const override {
    return racetrack::Json::array({{{"name", "ms"}, {"default_value", 0}, {"type", "int"}}});
  }
};

int main(int argc, char** argv) { return racetrack::Serve<SleepyJob>(argc, argv); }
