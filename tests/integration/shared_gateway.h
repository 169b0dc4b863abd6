// One gateway per test suite keeps the integration suites fast. SetUpTestSuite cannot ASSERT, so
// a gateway that fails to start records a failure and comes back null; each test's SetUp then
// stops at ASSERT_NE(gateway, nullptr).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway_process.h"

namespace rt_it {

inline std::unique_ptr<GatewayProcess> LaunchReady(GatewayOptions options, Millis timeout = 10s) {
  auto gateway = std::make_unique<GatewayProcess>(std::move(options));
  std::string error;
  if (!gateway->StartAndWaitReady(timeout, &error)) {
    ADD_FAILURE() << "gateway failed to start: " << error;
    return nullptr;
  }
  return gateway;
}

}  // namespace rt_it
