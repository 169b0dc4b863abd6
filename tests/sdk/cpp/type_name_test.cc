// Demangled, unqualified type names.
#include "racetrack/internal/type_name.h"

#include <gtest/gtest.h>

#include "racetrack/serve.h"

namespace racetrack::internal {
namespace {

class LocalJob {};

TEST(TypeNameTest, ShortensQualifiedNames) {
  EXPECT_EQ(ShortenTypeName("std::runtime_error"), "runtime_error");
  EXPECT_EQ(ShortenTypeName("PrimeJob"), "PrimeJob");
  EXPECT_EQ(ShortenTypeName("(anonymous namespace)::PrimeJob"), "PrimeJob");
  EXPECT_EQ(ShortenTypeName("a::b::Box<std::string>"), "Box<std::string>");
  EXPECT_EQ(ShortenTypeName("std::ios_base::failure[abi:cxx11]"), "failure");
  EXPECT_EQ(ShortenTypeName("std::_Nested_exception<std::runtime_error>"), "runtime_error");
}

TEST(TypeNameTest, NamesTypesFromTypeInfo) {
  EXPECT_EQ(DemangledName(typeid(std::runtime_error)), "std::runtime_error");
  EXPECT_EQ(ShortTypeName(typeid(LocalJob)), "LocalJob");
}

}  // namespace
}  // namespace racetrack::internal
