// Unit tests of AdmissionGate: requests start now, wait in FIFO order, or are refused; a slot is
// freed once per request; a request that leaves the queue never starts. Exchange ids are only
// keys here.
#include "calls/admission_gate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/errors.h"

namespace gw::calls {
namespace {

uint64_t Conn(uintptr_t n) { return n * 16; }

class CallsAdmissionGateTest : public ::testing::Test {
 protected:
  AdmissionGate::Result Admit(uintptr_t n) {
    return gate_.Admit(Conn(n), [this, n] { started_.push_back(static_cast<int>(n)); });
  }
  AdmissionGate gate_{{1, 2}};
  std::vector<int> started_;
};

TEST_F(CallsAdmissionGateTest, RunQueueReject) {
  EXPECT_EQ(Admit(1), AdmissionGate::Result::kStarted);
  EXPECT_EQ(Admit(2), AdmissionGate::Result::kQueued);
  EXPECT_EQ(Admit(3), AdmissionGate::Result::kQueued);
  EXPECT_EQ(Admit(4), AdmissionGate::Result::kRejected);
  EXPECT_EQ(started_, (std::vector<int>{1}));
  gate_.Release(Conn(1));
  EXPECT_EQ(started_, (std::vector<int>{1, 2}));
  gate_.Release(Conn(2));
  EXPECT_EQ(started_, (std::vector<int>{1, 2, 3}));
  gate_.Release(Conn(3));
  EXPECT_EQ(gate_.running(), 0u);
  EXPECT_EQ(http::ErrorBody(http::Error::kTooManyRequests, gate_.RejectionMessage()),
            R"({"detail":"too many requests waiting in a queue. Job is set to process 1 )"
            R"(requests concurrently with a queue of max size 2"})");
}

TEST_F(CallsAdmissionGateTest, ReleaseIsIdempotentAndIgnoresStrangers) {
  Admit(1);
  gate_.Release(Conn(1));
  gate_.Release(Conn(1));
  gate_.Release(Conn(9));
  EXPECT_EQ(gate_.running(), 0u);
  EXPECT_EQ(Admit(2), AdmissionGate::Result::kStarted);
}

TEST_F(CallsAdmissionGateTest, AQueuedRequestThatLeavesNeverStarts) {
  Admit(1);
  Admit(2);
  Admit(3);
  gate_.Release(Conn(2));  // its client went away while it waited
  EXPECT_EQ(gate_.queued(), 1u);
  gate_.Release(Conn(1));
  EXPECT_EQ(started_, (std::vector<int>{1, 3}));
}

TEST_F(CallsAdmissionGateTest, NoCapStartsEverything) {
  AdmissionGate open;
  int started = 0;
  for (uintptr_t i = 1; i <= 100; ++i) {
    EXPECT_EQ(open.Admit(Conn(i), [&] { ++started; }), AdmissionGate::Result::kStarted);
  }
  EXPECT_EQ(started, 100);
}

}  // namespace
}  // namespace gw::calls
