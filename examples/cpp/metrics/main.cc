// A job with its own gauges (spec §12.3): perform(number) counts positive and negative inputs,
// and Metrics() exposes the counts on the gateway's /metrics as `job_inputs{sign="..."}`.
#include <racetrack/job.h>

#include <atomic>
#include <cstdint>

class MetricsJob : public racetrack::Job {
 public:
  racetrack::Json Perform(const racetrack::Json& args) override {
    double number = args.at("number").get<double>();
    (number >= 0 ? positives_ : negatives_).fetch_add(1, std::memory_order_relaxed);
    return number >= 0;
  }

  std::optional<racetrack::Json> InputExample() const override {
    return racetrack::Json{{"number", 1}};
  }

  std::string Docstring() const override { return "Tell whether a number is not negative"; }

  // Called on every scrape, possibly while Perform runs: atomics keep it thread-safe.
  std::vector<racetrack::Metric> Metrics() override {
    const char* help = "Number of inputs seen, by sign";
    return {
        {"job_inputs", static_cast<double>(positives_.load()), help, {{"sign", "positive"}}},
        {"job_inputs", static_cast<double>(negatives_.load()), help, {{"sign", "negative"}}},
        {"job_up", 1, "Always 1 while the job is loaded", {}},
    };
  }

 private:
  std::atomic<std::int64_t> positives_{0};
  std::atomic<std::int64_t> negatives_{0};
};

int main(int argc, char** argv) { return racetrack::Serve<MetricsJob>(argc, argv); }
