// Type names via the Itanium C++ ABI demangler (GCC and Clang).
#include "racetrack/internal/type_name.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "racetrack/serve.h"

namespace racetrack::internal {
namespace {

constexpr std::string_view kNestedPrefix = "std::_Nested_exception<";

// Removes every "[abi:...]" tag, e.g. "failure[abi:cxx11]" -> "failure".
std::string StripAbiTags(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name.substr(i, 5) == "[abi:") {
      const std::size_t close = name.find(']', i);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    out.push_back(name[i]);
  }
  return out;
}

// The part after the last "::" that is not inside <...> or (...).
std::string_view LastComponent(std::string_view name) {
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (depth == 0 && c == ':' && i + 1 < name.size() && name[i + 1] == ':') {
      start = i + 2;
      ++i;
    }
  }
  return name.substr(start);
}

}  // namespace

std::string DemangledName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  if (status != 0 || demangled == nullptr) return type.name();
  return demangled.get();
}

std::string ShortenTypeName(std::string_view demangled) {
  // std::throw_with_nested wraps the thrown type; the user's type is the interesting one.
  if (demangled.starts_with(kNestedPrefix) && demangled.ends_with('>')) {
    demangled = demangled.substr(kNestedPrefix.size(), demangled.size() - kNestedPrefix.size() - 1);
  }
  const std::string stripped = StripAbiTags(demangled);
  return std::string(LastComponent(stripped));
}

std::string ShortTypeName(const std::type_info& type) {
  return ShortenTypeName(DemangledName(type));
}

}  // namespace racetrack::internal
