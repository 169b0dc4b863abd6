// The exception -> {status, type, message} table and the init-error text.
#include "racetrack/internal/error_mapping.h"

#include <gtest/gtest.h>

#include <ios>
#include <stdexcept>

#include "racetrack/errors.h"
#include "racetrack/job.h"

namespace racetrack::internal {
namespace {

namespace models {
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace models

template <class F>
ErrorInfo MapThrown(F&& throw_it) {
  try {
    throw_it();
  } catch (...) {
    return MapJobException(std::current_exception());
  }
  ADD_FAILURE() << "nothing was thrown";
  return {};
}

template <class F>
std::string InitErrorOf(F&& throw_it) {
  try {
    throw_it();
  } catch (...) {
    return FormatInitError(std::current_exception());
  }
  return "nothing was thrown";
}

void ExpectError(const ErrorInfo& error, int status, const std::string& type,
                 const std::string& message) {
  EXPECT_EQ(error.http_status, status);
  EXPECT_EQ(error.type, type);
  EXPECT_EQ(error.message, message);
}

TEST(ErrorMappingTest, SdkErrorsCarryTheirStatusAndType) {
  ExpectError(MapThrown([] { throw ValueError("bad"); }), 400, "ValueError", "bad");
  ExpectError(MapThrown([] { throw ValidationError("invalid"); }), 400, "ValidationError",
              "invalid");
  ExpectError(MapThrown([] { throw Unauthorized("no token", "missing header"); }), 401,
              "UnauthorizedError", "no token: missing header");
  ExpectError(MapThrown([] { throw EntityNotFound("gone"); }), 404, "EntityNotFound", "gone");
  ExpectError(MapThrown([] { throw AlreadyExists("there"); }), 409, "AlreadyExists", "there");
  ExpectError(MapThrown([] { throw HttpError(418, "Teapot", "short and stout"); }), 418, "Teapot",
              "short and stout");
}

TEST(ErrorMappingTest, StandardArgumentErrorsAreValueErrors) {
  ExpectError(MapThrown([] { throw std::invalid_argument("arg"); }), 400, "ValueError", "arg");
  ExpectError(MapThrown([] { throw std::domain_error("domain"); }), 400, "ValueError", "domain");
  ExpectError(MapThrown([] { throw std::out_of_range("range"); }), 400, "ValueError", "range");
}

TEST(ErrorMappingTest, ReadingArgsWronglyIsAFailedCall) {
  const Json args = {{"number", "abc"}};
  const ErrorInfo missing = MapThrown([&] { args.at("missing").get<int>(); });
  EXPECT_EQ(missing.http_status, 400);
  EXPECT_EQ(missing.type, "ValueError");
  EXPECT_EQ(missing.message.rfind("failed to call a function: ", 0), 0u) << missing.message;
  EXPECT_NE(missing.message.find("missing"), std::string::npos) << missing.message;

  const ErrorInfo wrong_type = MapThrown([&] { args.at("number").get<int>(); });
  EXPECT_EQ(wrong_type.http_status, 400);
  EXPECT_EQ(wrong_type.type, "ValueError");
  EXPECT_EQ(wrong_type.message.rfind("failed to call a function: ", 0), 0u);
}

TEST(ErrorMappingTest, OtherExceptionsAre500WithTheirShortClassName) {
  ExpectError(MapThrown([] { throw std::runtime_error("boom"); }), 500, "runtime_error", "boom");
  ExpectError(MapThrown([] { throw std::logic_error("oops"); }), 500, "logic_error", "oops");
  ExpectError(MapThrown([] { throw models::ModelError("no model"); }), 500, "ModelError",
              "no model");
  const ErrorInfo io = MapThrown([] { throw std::ios_base::failure("io"); });
  EXPECT_EQ(io.http_status, 500);
  EXPECT_EQ(io.type, "failure");
}

TEST(ErrorMappingTest, NonStandardExceptionsAreUnknownErrors) {
  EXPECT_EQ(MapThrown([] { throw 42; }).type, "UnknownError");
  EXPECT_EQ(MapThrown([] { throw 42; }).http_status, 500);
  ExpectError(MapThrown([] { throw "text"; }), 500, "UnknownError", "text");
}

TEST(ErrorMappingTest, InitErrorHasTheOriginalShape) {
  EXPECT_EQ(InitErrorOf([] { throw std::runtime_error("model file is missing"); }),
            "model file is missing, cause=runtime_error, traceback=");
  EXPECT_EQ(InitErrorOf([] { throw ValueError("  padded \n"); }),
            "padded, cause=ValueError, traceback=");
  EXPECT_EQ(InitErrorOf([] { throw 7; }), "unknown error, cause=UnknownError, traceback=");
}

TEST(ErrorMappingTest, InitErrorCauseIsTheRootOfTheNestedChain) {
  const std::string text = InitErrorOf([] {
    try {
      throw std::invalid_argument("inner");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("outer"));
    }
  });
  EXPECT_EQ(text, "outer, cause=invalid_argument, traceback=");
}

}  // namespace
}  // namespace racetrack::internal
