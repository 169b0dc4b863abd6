#include "server/log_throttle.h"

#include <gtest/gtest.h>

namespace gw::server {
namespace {

TEST(LogThrottleTest, OneLinePerIntervalCountingTheDroppedEvents) {
  LogThrottle throttle(1000);
  uint64_t events = 0;
  EXPECT_TRUE(throttle.Allow(5000, &events));
  EXPECT_EQ(events, 1u);
  EXPECT_FALSE(throttle.Allow(5001, &events));
  EXPECT_FALSE(throttle.Allow(5999, &events));
  EXPECT_TRUE(throttle.Allow(6000, &events));
  EXPECT_EQ(events, 3u);  // the two dropped and this one
  EXPECT_FALSE(throttle.Allow(6500, &events));
}

TEST(LogThrottleTest, FirstEventIsLoggedEvenAtTimeZero) {
  LogThrottle throttle(1000);
  uint64_t events = 0;
  EXPECT_TRUE(throttle.Allow(0, &events));
  EXPECT_EQ(events, 1u);
}

}  // namespace
}  // namespace gw::server
