// The exception -> {status, type, message} table (spec §7.4), in one place.
#include "racetrack/internal/error_mapping.h"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <typeinfo>

#include "racetrack/errors.h"
#include "racetrack/internal/type_name.h"

namespace racetrack::internal {
namespace {

constexpr char kCallFailedPrefix[] = "failed to call a function: ";

std::string TypeNameOf(const std::exception& e) {
  return ShortenTypeName(DemangledName(typeid(e)));
}

std::string Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kSpace);
  return std::string(text.substr(first, last - first + 1));
}

// The innermost exception of a std::nested_exception chain, like Python's __cause__ root.
std::string RootCauseType(const std::exception& e) {
  const auto* nested = dynamic_cast<const std::nested_exception*>(&e);
  if (nested == nullptr || nested->nested_ptr() == nullptr) return TypeNameOf(e);
  try {
    std::rethrow_exception(nested->nested_ptr());
  } catch (const std::exception& inner) {
    return RootCauseType(inner);
  } catch (...) {
    return "UnknownError";
  }
}

}  // namespace

ErrorInfo MapJobException(std::exception_ptr error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return {e.http_status(), e.type(), e.what()};
  } catch (const nlohmann::json::type_error& e) {
    // Reading args with the wrong type: the analogue of Python's TypeError on a bad call.
    return {400, "ValueError", std::string(kCallFailedPrefix) + e.what()};
  } catch (const nlohmann::json::out_of_range& e) {
    // args.at("missing"): the analogue of a missing keyword argument.
    return {400, "ValueError", std::string(kCallFailedPrefix) + e.what()};
  } catch (const nlohmann::json::parse_error& e) {
    return {400, "ValueError", e.what()};
  } catch (const std::invalid_argument& e) {
    return {400, "ValueError", e.what()};
  } catch (const std::domain_error& e) {
    return {400, "ValueError", e.what()};
  } catch (const std::out_of_range& e) {
    return {400, "ValueError", e.what()};
  } catch (const std::exception& e) {
    return {500, TypeNameOf(e), e.what()};
  } catch (const char* message) {
    return {500, "UnknownError", message};
  } catch (const std::string& message) {
    return {500, "UnknownError", message};
  } catch (...) {
    return {500, "UnknownError", "unknown error"};
  }
}

std::string FormatInitError(std::exception_ptr error) {
  std::string message;
  std::string cause;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    message = Trim(e.what());
    cause = RootCauseType(e);
  } catch (...) {
    message = "unknown error";
    cause = "UnknownError";
  }
  return message + ", cause=" + cause + ", traceback=";
}

}  // namespace racetrack::internal
