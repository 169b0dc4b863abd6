// The adder sample as a C++ job: perform(numbers, radix=10) -> the sum. The sum is an integer
// when every number is an integer, else a float. radix is accepted for signature compatibility
// with the Python sample and must be an integer; it does not change the result.
#include <racetrack/job.h>

#include <cstdint>

class AdderJob : public racetrack::Job {
 public:
  racetrack::Json Perform(const racetrack::Json& args) override {
    const racetrack::Json& numbers = args.at("numbers");
    if (!numbers.is_array()) throw racetrack::ValueError("numbers must be a list of numbers");
    if (args.contains("radix")) args.at("radix").get<std::int64_t>();
    bool all_integers = true;
    std::int64_t integer_sum = 0;
    double float_sum = 0;
    for (const racetrack::Json& number : numbers) {
      if (!number.is_number()) throw racetrack::ValueError("numbers must be a list of numbers");
      if (number.is_number_integer()) {
        integer_sum += number.get<std::int64_t>();
      } else {
        all_integers = false;
      }
      float_sum += number.get<double>();
    }
    if (all_integers) return integer_sum;
    return float_sum;
  }

  std::optional<racetrack::Json> InputExample() const override {
    return racetrack::Json{{"numbers", {40, 2}}};
  }

  std::string Docstring() const override { return "Add numbers"; }

  racetrack::Json Parameters() const override {
    return racetrack::Json::array({{{"name", "numbers"}, {"type", "List"}},
                                   {{"name", "radix"}, {"default_value", 10}, {"type", "int"}}});
  }
};

int main(int argc, char** argv) { return racetrack::Serve<AdderJob>(argc, argv); }
