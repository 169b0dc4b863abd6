// Readable type names for Describe's class_name and for error types ("runtime_error").
// Internal to the SDK; exposed for tests.
#pragma once

#include <string>
#include <string_view>
#include <typeinfo>

namespace racetrack::internal {

// The demangled, fully qualified name, e.g. "std::runtime_error".
std::string DemangledName(const std::type_info& type);

// Drops namespaces and ABI tags: "std::runtime_error" -> "runtime_error",
// "(anonymous namespace)::PrimeJob" -> "PrimeJob", "std::_Nested_exception<X>" -> X's short name.
std::string ShortenTypeName(std::string_view demangled);

}  // namespace racetrack::internal
