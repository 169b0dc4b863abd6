// Exceptions a job throws to choose the HTTP status and error type of its reply.
//
// Each class carries the status and the `type` string that the gateway puts into the
// `{"error": ..., "type": ...}` body; the message is what(). Other exceptions are mapped by the
// SDK (see racetrack/internal/error_mapping.h): std::invalid_argument, std::domain_error and
// std::out_of_range give 400 "ValueError", anything else 500.
#pragma once

#include <stdexcept>
#include <string>

namespace racetrack {

// Base of all errors with an explicit status. Throw it directly for a custom status or type.
class HttpError : public std::runtime_error {
 public:
  HttpError(int http_status, std::string type, const std::string& message)
      : std::runtime_error(message), http_status_(http_status), type_(std::move(type)) {}

  int http_status() const noexcept { return http_status_; }
  const std::string& type() const noexcept { return type_; }

 private:
  int http_status_;
  std::string type_;
};

// 400 "ValueError": the caller passed a bad value.
class ValueError : public HttpError {
 public:
  explicit ValueError(const std::string& message) : HttpError(400, "ValueError", message) {}
};

// 400 "ValidationError": the input failed the job's own validation.
class ValidationError : public HttpError {
 public:
  explicit ValidationError(const std::string& message)
      : HttpError(400, "ValidationError", message) {}
};

// 401 "UnauthorizedError". The two-argument form renders "<cause>: <details>" like the original.
class Unauthorized : public HttpError {
 public:
  explicit Unauthorized(const std::string& message)
      : HttpError(401, "UnauthorizedError", message) {}
  Unauthorized(const std::string& cause, const std::string& details)
      : HttpError(401, "UnauthorizedError", cause + ": " + details) {}
};

// 404 "EntityNotFound".
class EntityNotFound : public HttpError {
 public:
  explicit EntityNotFound(const std::string& message) : HttpError(404, "EntityNotFound", message) {}
};

// 409 "AlreadyExists".
class AlreadyExists : public HttpError {
 public:
  explicit AlreadyExists(const std::string& message) : HttpError(409, "AlreadyExists", message) {}
};

}  // namespace racetrack
