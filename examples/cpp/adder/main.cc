// The adder sample as a C++ job: perform(numbers, radix=10) -> the sum. The sum is an integer
// when every number is an integer, else a float. radix is accepted for signature compatibility
// with the Python sample and must be an integer; it does not change the result.
// POST /api/v1/explain (an auxiliary endpoint) tells each number's share of the sum.
#include <racetrack/job.h>

#include <cstdint>
#include <map>
#include <string>

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

  std::map<std::string, racetrack::AuxiliaryEndpoint> AuxiliaryEndpoints() override {
    return {{"/explain",
             {[this](const racetrack::Json& args) { return Explain(args); },
              racetrack::Json{{"numbers", {1, 3}}},
              "Tells what share of the sum each number contributes"}}};
  }

  racetrack::Json Parameters() const override {
    return racetrack::Json::array({{{"name", "numbers"}, {"type", "List"}},
                                   {{"name", "radix"}, {"default_value", 10}, {"type", "int"}}});
  }

 private:
  // {"numbers": [1, 3]} -> [0.25, 0.75]; every share is 0 when the sum is 0.
  racetrack::Json Explain(const racetrack::Json& args) const {
    const racetrack::Json& numbers = args.at("numbers");
    if (!numbers.is_array()) throw racetrack::ValueError("numbers must be a list of numbers");
    double sum = 0;
    for (const racetrack::Json& number : numbers) {
      if (!number.is_number()) throw racetrack::ValueError("numbers must be a list of numbers");
      sum += number.get<double>();
    }
    racetrack::Json shares = racetrack::Json::array();
    for (const racetrack::Json& number : numbers) {
      shares.push_back(sum != 0 ? number.get<double>() / sum : 0.0);
    }
    return shares;
  }
};

int main(int argc, char** argv) { return racetrack::Serve<AdderJob>(argc, argv); }
