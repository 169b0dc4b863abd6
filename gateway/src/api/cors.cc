#include "api/cors.h"

#include <string>

namespace gw::api {

bool IsPreflight(const http::Request& request) {
  return request.method == http::Method::kOptions && request.FindHeader("origin") != nullptr &&
         request.FindHeader("access-control-request-method") != nullptr;
}

std::vector<http::Header> PreflightHeaders(const http::Request& request) {
  std::vector<http::Header> headers = {
      {"vary", "Origin"},
      {"access-control-allow-methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"},
      {"access-control-max-age", "600"},
      {"access-control-allow-credentials", "true"},
      {"access-control-allow-origin", *request.FindHeader("origin")},
  };
  if (const std::string* requested = request.FindHeader("access-control-request-headers")) {
    headers.push_back({"access-control-allow-headers", *requested});
  }
  return headers;
}

void AppendSimpleCorsHeaders(const http::Request& request, std::vector<http::Header>* headers) {
  if (request.FindHeader("origin") == nullptr) return;
  headers->push_back({"access-control-allow-origin", "*"});
  headers->push_back({"access-control-allow-credentials", "true"});
}

}  // namespace gw::api
