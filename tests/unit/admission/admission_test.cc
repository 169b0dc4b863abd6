#include "admission/admission.h"

#include <gtest/gtest.h>

#include <vector>

#include "http/errors.h"

namespace gw::admission {
namespace {

struct RecordingWaiter : Waiter {
  explicit RecordingWaiter(std::vector<int>* log, int id) : log(log), id(id) {}
  void OnAdmitted() override { log->push_back(id); }
  std::vector<int>* log;
  int id;
};

TEST(AdmissionTest, NoCapRunsEverything) {
  Admission admission;
  std::vector<int> log;
  RecordingWaiter w(&log, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(admission.Enter(&w), Admission::Decision::kRun);
  EXPECT_EQ(admission.running(), 100u);
}

TEST(AdmissionTest, CapQueuesThenRejects) {
  Admission admission({1, 1});
  std::vector<int> log;
  RecordingWaiter a(&log, 1), b(&log, 2), c(&log, 3);
  EXPECT_EQ(admission.Enter(&a), Admission::Decision::kRun);
  EXPECT_EQ(admission.Enter(&b), Admission::Decision::kQueued);
  EXPECT_EQ(admission.Enter(&c), Admission::Decision::kRejected);
  admission.Leave();
  EXPECT_EQ(log, std::vector<int>{2});
  EXPECT_EQ(admission.running(), 1u);
  EXPECT_EQ(admission.queued(), 0u);
}

TEST(AdmissionTest, ZeroQueueMeansNoWaiting) {
  Admission admission({2, 0});
  std::vector<int> log;
  RecordingWaiter w(&log, 1);
  EXPECT_EQ(admission.Enter(&w), Admission::Decision::kRun);
  EXPECT_EQ(admission.Enter(&w), Admission::Decision::kRun);
  EXPECT_EQ(admission.Enter(&w), Admission::Decision::kRejected);
}

TEST(AdmissionTest, WaitersAreWokenInFifoOrderAndCancelledOnesSkipped) {
  Admission admission({1, std::nullopt});
  std::vector<int> log;
  RecordingWaiter first(&log, 0), a(&log, 1), b(&log, 2), c(&log, 3);
  ASSERT_EQ(admission.Enter(&first), Admission::Decision::kRun);
  ASSERT_EQ(admission.Enter(&a), Admission::Decision::kQueued);
  ASSERT_EQ(admission.Enter(&b), Admission::Decision::kQueued);
  ASSERT_EQ(admission.Enter(&c), Admission::Decision::kQueued);
  admission.Cancel(&b);
  admission.Leave();
  admission.Leave();
  admission.Leave();
  EXPECT_EQ(log, (std::vector<int>{1, 3}));
  EXPECT_EQ(admission.running(), 0u);
}

TEST(AdmissionTest, RaisingTheCapAdmitsWaiters) {
  Admission admission({1, std::nullopt});
  std::vector<int> log;
  RecordingWaiter a(&log, 1), b(&log, 2), c(&log, 3);
  admission.Enter(&a);
  admission.Enter(&b);
  admission.Enter(&c);
  admission.SetLimits({0, std::nullopt});
  EXPECT_EQ(log, (std::vector<int>{2, 3}));
  EXPECT_EQ(admission.running(), 3u);
}

TEST(AdmissionTest, RejectionBodyIsTheOriginals) {
  Admission admission({1, 1});
  EXPECT_EQ(http::ErrorBody(http::Error::kTooManyRequests, admission.RejectionMessage()),
            R"({"detail":"too many requests waiting in a queue. Job is set to process 1 )"
            R"(requests concurrently with a queue of max size 1"})");
}

}  // namespace
}  // namespace gw::admission
