// DispatchPolicy: inline while an endpoint's calls are quick, the pool once they block, and back;
// the busy lane for slow endpoints whose lone calls never wait.
#include "dispatch_policy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string_view>

namespace racetrack::internal {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using Clock = DispatchPolicy::Clock;

// Whether the next call of `endpoint` runs inline.
bool RunsInline(DispatchPolicy& policy, std::string_view endpoint) {
  return policy.Place(endpoint) == Placement::kInline;
}

TEST(DispatchPolicyTest, FixedModesIgnoreDurations) {
  DispatchPolicy pool(Dispatch::kPool, microseconds(500));
  DispatchPolicy inline_calls(Dispatch::kInline, microseconds(500));
  pool.Record("/perform", microseconds(1));
  inline_calls.Record("/perform", milliseconds(50));
  EXPECT_FALSE(RunsInline(pool, "/perform"));
  EXPECT_TRUE(RunsInline(inline_calls, "/perform"));
  EXPECT_TRUE(pool.uses_pool());
  EXPECT_FALSE(inline_calls.uses_pool());
}

TEST(DispatchPolicyTest, AdaptiveRunsQuickEndpointsInline) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  EXPECT_FALSE(RunsInline(policy, "/perform"));  // nothing known yet: the pool
  for (int i = 0; i < 100; ++i) policy.Record("/perform", microseconds(20));
  EXPECT_TRUE(RunsInline(policy, "/perform"));
  EXPECT_TRUE(policy.uses_pool());
}

TEST(DispatchPolicyTest, OneSlowCallMovesTheEndpointToThePoolAtOnce) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  for (int i = 0; i < 100; ++i) policy.Record("/perform", microseconds(20));
  policy.Record("/perform", milliseconds(10));
  EXPECT_FALSE(RunsInline(policy, "/perform"));
  EXPECT_GE(policy.Typical("/perform"), milliseconds(10));
}

TEST(DispatchPolicyTest, QuickCallsBringTheEndpointBackInline) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  policy.Record("/perform", milliseconds(10));
  int calls = 0;
  while (!RunsInline(policy, "/perform") && calls < 1000) {
    policy.Record("/perform", microseconds(20));
    ++calls;
  }
  EXPECT_TRUE(RunsInline(policy, "/perform"));
  // 10 ms decays by 1/8 per call: about 23 quick calls, not one, not hundreds.
  EXPECT_GT(calls, 10);
  EXPECT_LT(calls, 40);
}

TEST(DispatchPolicyTest, EndpointsAreJudgedApart) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  policy.Record("/perform", microseconds(20));
  policy.Record("/slow", milliseconds(20));
  EXPECT_TRUE(RunsInline(policy, "/perform"));
  EXPECT_FALSE(RunsInline(policy, "/slow"));
  EXPECT_FALSE(RunsInline(policy, "/other"));
}

// A policy with the lane on whose "/busy" endpoint has had a first call of 2 ms.
std::unique_ptr<DispatchPolicy> LanePolicy() {
  auto policy =
      std::make_unique<DispatchPolicy>(Dispatch::kAdaptive, microseconds(500), /*busy_lane=*/true);
  policy->Record("/busy", milliseconds(2));
  return policy;
}

TEST(DispatchPolicyTest, WithoutTheLaneCallsThatNeverWaitStayOnThePool) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500));
  policy.Record("/busy", milliseconds(2));
  policy.RecordWaits("/busy", Placement::kPool, 0, false);
  EXPECT_FALSE(policy.busy_lane());
  EXPECT_EQ(policy.Place("/busy"), Placement::kPool);
  // Only adaptive dispatch has a lane.
  EXPECT_FALSE(DispatchPolicy(Dispatch::kPool, microseconds(500), true).busy_lane());
}

TEST(DispatchPolicyTest, ASlowPoolCallThatNeverWaitedTakesTheEndpointIntoTheLane) {
  const auto owned = LanePolicy();
  DispatchPolicy& policy = *owned;
  EXPECT_EQ(policy.Place("/busy"), Placement::kPool);
  policy.RecordWaits("/busy", Placement::kPool, 3, false);   // waited: stays on the pool
  policy.RecordWaits("/busy", Placement::kPool, -1, false);  // not counted: no evidence
  EXPECT_EQ(policy.Place("/busy"), Placement::kPool);
  policy.RecordWaits("/busy", Placement::kPool, 0, false);
  EXPECT_EQ(policy.Place("/busy"), Placement::kLane);
  EXPECT_TRUE(policy.InLane("/busy"));
  EXPECT_EQ(policy.Place("/new"), Placement::kPool);  // unknown: the pool, as ever
}

TEST(DispatchPolicyTest, QuickEndpointsStayInlineWhateverTheirWaits) {
  const auto owned = LanePolicy();
  DispatchPolicy& policy = *owned;
  policy.Record("/quick", microseconds(20));
  policy.RecordWaits("/quick", Placement::kPool, 0, false);
  EXPECT_EQ(policy.Place("/quick"), Placement::kInline);
  // An endpoint that turns quick leaves the lane for inline calls.
  policy.RecordWaits("/busy", Placement::kPool, 0, false);
  ASSERT_EQ(policy.Place("/busy"), Placement::kLane);
  for (int i = 0; i < 100; ++i) policy.Record("/busy", microseconds(20));
  EXPECT_EQ(policy.Place("/busy"), Placement::kInline);
}

TEST(DispatchPolicyTest, TheEndpointLeavesTheLaneWhenItsCallsKeepWaiting) {
  const Clock::time_point t0 = Clock::now();
  const auto owned = LanePolicy();
  DispatchPolicy& policy = *owned;
  policy.RecordWaits("/busy", Placement::kPool, 0, false, t0);
  ASSERT_TRUE(policy.InLane("/busy"));
  policy.RecordWaits("/busy", Placement::kLane, 1, true, t0);  // one wait among busy calls
  policy.RecordWaits("/busy", Placement::kLane, 0, true, t0);
  policy.RecordWaits("/busy", Placement::kLane, 2, true, t0);
  EXPECT_TRUE(policy.InLane("/busy"));
  for (int i = 0; i < 10; ++i) policy.RecordWaits("/busy", Placement::kLane, 0, true, t0);
  policy.RecordWaits("/busy", Placement::kLane, 1, true, t0);
  policy.RecordWaits("/busy", Placement::kLane, 1, true, t0);
  EXPECT_TRUE(policy.InLane("/busy"));
  // A late call placed on the pool before the endpoint entered is no evidence, nor is a lane
  // call that shared the lock with calls outside the lane.
  policy.RecordWaits("/busy", Placement::kPool, 5, false, t0);
  for (int i = 0; i < 5; ++i) policy.RecordWaits("/busy", Placement::kLane, 5, false, t0);
  EXPECT_TRUE(policy.InLane("/busy"));
  policy.RecordWaits("/busy", Placement::kLane, 1, true, t0);  // the third in a row
  EXPECT_FALSE(policy.InLane("/busy"));
  EXPECT_EQ(policy.Place("/busy"), Placement::kPool);
}

TEST(DispatchPolicyTest, AfterLeavingItReentersOnlyAfterABackOffThatDoubles) {
  Clock::time_point t = Clock::now();
  const auto owned = LanePolicy();
  DispatchPolicy& policy = *owned;
  Clock::duration backoff = DispatchPolicy::kFirstBackoff;
  for (int round = 0; round < 9; ++round) {
    policy.RecordWaits("/busy", Placement::kPool, 0, false, t);
    ASSERT_TRUE(policy.InLane("/busy")) << "round " << round;
    policy.LeaveLane("/busy", "a call waits", t);  // holds up calls behind it: out at once
    EXPECT_FALSE(policy.InLane("/busy"));
    policy.RecordWaits("/busy", Placement::kPool, 0, false, t + backoff - milliseconds(1));
    EXPECT_FALSE(policy.InLane("/busy")) << "round " << round;
    t += backoff;
    backoff = std::min<Clock::duration>(backoff * 2, DispatchPolicy::kLongestBackoff);
  }
  EXPECT_EQ(backoff, DispatchPolicy::kLongestBackoff);
}

TEST(DispatchPolicyTest, AStretchOfBusyLaneCallsResetsTheBackOff) {
  Clock::time_point t = Clock::now();
  const auto owned = LanePolicy();
  DispatchPolicy& policy = *owned;
  for (int round = 0; round < 4; ++round) {  // backs off 1, 2, 4, 8 s
    policy.RecordWaits("/busy", Placement::kPool, 0, false, t);
    policy.LeaveLane("/busy", "a call waits", t);
    t += DispatchPolicy::kLongestBackoff;
  }
  policy.RecordWaits("/busy", Placement::kPool, 0, false, t);
  ASSERT_TRUE(policy.InLane("/busy"));
  for (int i = 0; i < DispatchPolicy::kSteadyLaneCalls; ++i) {
    policy.RecordWaits("/busy", Placement::kLane, 0, true, t);
  }
  policy.LeaveLane("/busy", "a call waits", t);
  policy.RecordWaits("/busy", Placement::kPool, 0, false, t + DispatchPolicy::kFirstBackoff);
  EXPECT_TRUE(policy.InLane("/busy"));
}

TEST(DispatchPolicyTest, ALaneCallRanAloneOnlyIfNoCallOutsideTheLaneRanMeanwhile) {
  DispatchPolicy policy(Dispatch::kAdaptive, microseconds(500), true);
  EXPECT_TRUE(policy.End(policy.Begin(Placement::kLane)));
  // A pool call running when it starts.
  const DispatchPolicy::CallMark pooled = policy.Begin(Placement::kPool);
  EXPECT_TRUE(policy.OthersRunning());
  const DispatchPolicy::CallMark lane = policy.Begin(Placement::kLane);
  EXPECT_FALSE(policy.End(pooled));  // only lane calls are judged
  EXPECT_FALSE(policy.OthersRunning());
  EXPECT_FALSE(policy.End(lane));
  // An inline call that starts and ends while it runs.
  const DispatchPolicy::CallMark second = policy.Begin(Placement::kLane);
  policy.End(policy.Begin(Placement::kInline));
  EXPECT_FALSE(policy.End(second));
  EXPECT_TRUE(policy.End(policy.Begin(Placement::kLane)));
}

}  // namespace
}  // namespace racetrack::internal
