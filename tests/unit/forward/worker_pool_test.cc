// WorkerPool's gathering of the job's gauges from several members (gateway --workers N): each
// ready member is asked, the answer waits for all of them, and every gauge carries its worker.
#include "forward/worker_pool.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gw::forward {
namespace {

using observability::JobGauge;
using Labels = std::vector<std::pair<std::string, std::string>>;

// A member whose gauge scrape waits until the test answers it.
class GaugeMember : public WorkerClient {
 public:
  explicit GaugeMember(bool ready) : ready_(ready) {}

  void Start() override {}
  void Reset(const std::string&) override {}
  void Shutdown(std::function<void()> done) override { done(); }
  bool ready() const override { return ready_; }
  const JobDescription* description() const override { return nullptr; }
  size_t in_flight() const override { return 0; }
  uint64_t last_progress_ms() const override { return 0; }
  void StartCall(uint64_t, std::string_view, std::string&&, const http::Request&,
                 uint32_t) override {}
  void StartHttp(uint64_t, HttpCall&&, uint32_t) override {}
  void Cancel(uint64_t) override {}
  void CollectGauges(GaugesDone done) override {
    ++asked;
    pending_ = std::move(done);
  }

  void Answer(std::vector<JobGauge> gauges) {
    ASSERT_TRUE(pending_) << "the member was not asked";
    GaugesDone done = std::move(pending_);
    pending_ = nullptr;
    done(std::move(gauges));
  }

  int asked = 0;

 private:
  bool ready_;
  GaugesDone pending_;
};

class NoSink : public CallSink {
 public:
  void OnCallDone(uint64_t, CallResult&) override {}
};

JobGauge Gauge(std::string name, double value, Labels labels = {}) {
  JobGauge g;
  g.name = std::move(name);
  g.value = value;
  g.labels = std::move(labels);
  return g;
}

class WorkerPoolGaugesTest : public ::testing::Test {
 protected:
  GaugeMember* Add(bool ready) {
    auto member = std::make_unique<GaugeMember>(ready);
    GaugeMember* raw = member.get();
    pool_.Add(std::move(member));
    return raw;
  }

  void Collect() {
    pool_.CollectGauges([this](std::vector<JobGauge> gauges) {
      ++answers_;
      result_ = std::move(gauges);
    });
  }

  NoSink sink_;
  WorkerPool pool_{&sink_};
  int answers_ = 0;
  std::optional<std::vector<JobGauge>> result_;
};

TEST_F(WorkerPoolGaugesTest, EveryWorkersGaugesAnswerOnceAllHaveAnsweredEachLabelledWithItsWorker) {
  GaugeMember* first = Add(true);
  GaugeMember* second = Add(true);
  Collect();
  EXPECT_EQ(first->asked, 1);
  EXPECT_EQ(second->asked, 1);

  second->Answer({Gauge("job_positives", 3, {{"color", "blue"}})});
  EXPECT_EQ(answers_, 0) << "answered before every member had";
  first->Answer({Gauge("job_positives", 5, {{"color", "blue"}}), Gauge("job_load", 0.5)});

  ASSERT_EQ(answers_, 1);
  ASSERT_EQ(result_->size(), 3u);
  EXPECT_EQ((*result_)[0].name, "job_positives");
  EXPECT_EQ((*result_)[0].value, 5);
  EXPECT_EQ((*result_)[0].labels, (Labels{{"color", "blue"}, {"worker", "0"}}));
  EXPECT_EQ((*result_)[1].name, "job_load");
  EXPECT_EQ((*result_)[1].labels, (Labels{{"worker", "0"}}));
  EXPECT_EQ((*result_)[2].value, 3);
  EXPECT_EQ((*result_)[2].labels, (Labels{{"color", "blue"}, {"worker", "1"}}));
}

TEST_F(WorkerPoolGaugesTest, AJobLabelNamedWorkerIsKeptAsExportedWorker) {
  GaugeMember* first = Add(true);
  GaugeMember* second = Add(true);
  Collect();
  first->Answer({Gauge("job_queue", 2, {{"worker", "reader"}})});
  second->Answer({Gauge("job_queue", 4, {{"worker", "reader"}})});
  ASSERT_EQ(answers_, 1);
  ASSERT_EQ(result_->size(), 2u);
  EXPECT_EQ((*result_)[0].labels, (Labels{{"exported_worker", "reader"}, {"worker", "0"}}));
  EXPECT_EQ((*result_)[1].labels, (Labels{{"exported_worker", "reader"}, {"worker", "1"}}));
}

TEST_F(WorkerPoolGaugesTest, AWorkerThatIsNotReadyIsNotAskedAndKeepsItsIndexFree) {
  GaugeMember* down = Add(false);
  GaugeMember* up = Add(true);
  Collect();
  EXPECT_EQ(down->asked, 0);
  up->Answer({Gauge("job_positives", 1)});
  ASSERT_EQ(answers_, 1);
  ASSERT_EQ(result_->size(), 1u);
  EXPECT_EQ((*result_)[0].labels, (Labels{{"worker", "1"}}));
}

TEST_F(WorkerPoolGaugesTest, AWorkerWhoseScrapeFailsLeavesTheOthersGauges) {
  // A member whose Metrics RPC fails (its worker died, or metrics() outlived the deadline)
  // answers with no gauges; the others' still come.
  GaugeMember* failing = Add(true);
  GaugeMember* healthy = Add(true);
  Collect();
  failing->Answer({});
  EXPECT_EQ(answers_, 0);
  healthy->Answer({Gauge("job_positives", 2)});
  ASSERT_EQ(answers_, 1);
  ASSERT_EQ(result_->size(), 1u);
  EXPECT_EQ((*result_)[0].labels, (Labels{{"worker", "1"}}));
}

TEST_F(WorkerPoolGaugesTest, NoReadyWorkerAnswersAtOnceWithNoGauges) {
  GaugeMember* first = Add(false);
  GaugeMember* second = Add(false);
  Collect();
  EXPECT_EQ(first->asked + second->asked, 0);
  ASSERT_EQ(answers_, 1);
  EXPECT_TRUE(result_->empty());
}

TEST_F(WorkerPoolGaugesTest, OneWorkersGaugesPassThroughUnlabelledAsTheOriginals) {
  GaugeMember* only = Add(true);
  Collect();
  only->Answer({Gauge("job_positives", 5, {{"worker", "reader"}})});
  ASSERT_EQ(answers_, 1);
  ASSERT_EQ(result_->size(), 1u);
  EXPECT_EQ((*result_)[0].labels, (Labels{{"worker", "reader"}}));
}

}  // namespace
}  // namespace gw::forward
