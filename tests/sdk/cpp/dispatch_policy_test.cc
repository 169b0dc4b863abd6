// DispatchPolicy: inline while an endpoint's calls are quick, the pool once they block, and back.
#include "dispatch_policy.h"

#include <gtest/gtest.h>

namespace racetrack::internal {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(DispatchPolicyTest, FixedModesIgnoreDurations) {
  DispatchPolicy pool(Dispatch::kPool, microseconds(500));
  DispatchPolicy inline_calls(Dispatch::kInline, microseconds(500));
  pool.Record("/perform", microseconds(1));
  inline_calls.Record("/perform", milliseconds(50));
  EXPECT_FALSE(pool.RunInline("/perform"));
  EXPECT_TRUE(inline_calls.RunInline("/perform"));
  EXPECT_TRUE(pool.uses_pool());
  EXPECT_FALSE(inline_calls.uses_pool());
}

TEST(DispatchPolicyTest, AdaptiveRunsQuickEndpointsInline) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  EXPECT_FALSE(policy.RunInline("/perform"));  // nothing known yet: the pool
  for (int i = 0; i < 100; ++i) policy.Record("/perform", microseconds(20));
  EXPECT_TRUE(policy.RunInline("/perform"));
  EXPECT_TRUE(policy.uses_pool());
}

TEST(DispatchPolicyTest, OneSlowCallMovesTheEndpointToThePoolAtOnce) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  for (int i = 0; i < 100; ++i) policy.Record("/perform", microseconds(20));
  policy.Record("/perform", milliseconds(10));
  EXPECT_FALSE(policy.RunInline("/perform"));
  EXPECT_GE(policy.Typical("/perform"), milliseconds(10));
}

TEST(DispatchPolicyTest, QuickCallsBringTheEndpointBackInline) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  policy.Record("/perform", milliseconds(10));
  int calls = 0;
  while (!policy.RunInline("/perform") && calls < 1000) {
    policy.Record("/perform", microseconds(20));
    ++calls;
  }
  EXPECT_TRUE(policy.RunInline("/perform"));
  // 10 ms decays by 1/8 per call: about 23 quick calls, not one, not hundreds.
  EXPECT_GT(calls, 10);
  EXPECT_LT(calls, 40);
}

TEST(DispatchPolicyTest, EndpointsAreJudgedApart) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  policy.Record("/perform", microseconds(20));
  policy.Record("/slow", milliseconds(20));
  EXPECT_TRUE(policy.RunInline("/perform"));
  EXPECT_FALSE(policy.RunInline("/slow"));
  EXPECT_FALSE(policy.RunInline("/other"));
}

}  // namespace
}  // namespace racetrack::internal
