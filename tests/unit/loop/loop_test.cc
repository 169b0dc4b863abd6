// Loop-level tests of gw::Loop: work posted from other threads runs on the loop thread, in
// posting order, and Close() leaves no handle behind (uv_loop_close() == 0).
#include "loop/loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace gw {
namespace {

// Keeps the loop running (uv_run would return at once with only the unref'ed async handle) and
// lets the test stop it from a posted function.
class KeepAlive {
 public:
  explicit KeepAlive(Loop* loop) {
    uv_timer_init(loop->uv(), &timer_);
    uv_timer_start(
        &timer_, [](uv_timer_t*) {}, 1'000'000, 1'000'000);
  }
  void Stop() { uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr); }

 private:
  uv_timer_t timer_;
};

TEST(LoopTest, CloseOfAnIdleLoop) {
  Loop loop;
  loop.Run();  // returns at once: the posting handle does not keep the loop alive
  EXPECT_EQ(loop.Close(), 0);
  EXPECT_EQ(loop.Close(), 0);  // idempotent
}

TEST(LoopTest, PostFromAnotherThreadRunsOnTheLoopThreadInOrder) {
  constexpr int kPosts = 1000;
  Loop loop;
  KeepAlive keep_alive(&loop);
  std::vector<int> seen;
  std::atomic<bool> wrong_thread{false};
  std::thread::id loop_thread = std::this_thread::get_id();

  std::thread poster([&] {
    for (int i = 0; i < kPosts; ++i) {
      loop.Post([&, i] {
        if (std::this_thread::get_id() != loop_thread) wrong_thread = true;
        seen.push_back(i);
        if (i == kPosts - 1) keep_alive.Stop();
      });
    }
  });
  loop.Run();
  poster.join();

  EXPECT_FALSE(wrong_thread);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kPosts));
  for (int i = 0; i < kPosts; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(loop.Close(), 0);
}

TEST(LoopTest, PostsFromManyThreadsKeepEachThreadsOrder) {
  constexpr int kThreads = 4;
  constexpr int kPosts = 500;
  Loop loop;
  KeepAlive keep_alive(&loop);
  std::vector<std::vector<int>> seen(kThreads);
  int done = 0;

  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kPosts; ++i) {
        loop.Post([&, t, i] {
          seen[t].push_back(i);
          if (++done == kThreads * kPosts) keep_alive.Stop();
        });
      }
    });
  }
  loop.Run();
  for (auto& poster : posters) poster.join();

  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), static_cast<size_t>(kPosts));
    for (int i = 0; i < kPosts; ++i) EXPECT_EQ(seen[t][i], i);
  }
  EXPECT_EQ(loop.Close(), 0);
}

TEST(LoopTest, PostFromTheLoopThreadRunsOnALaterTurn) {
  Loop loop;
  KeepAlive keep_alive(&loop);
  std::vector<int> order;
  loop.Post([&] {
    order.push_back(1);
    loop.Post([&] {
      order.push_back(3);
      keep_alive.Stop();
    });
    order.push_back(2);
  });
  loop.Run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.Close(), 0);
}

TEST(LoopTest, CloseRunsWorkPostedBeforeIt) {
  Loop loop;
  int runs = 0;
  loop.Post([&] { ++runs; });
  EXPECT_EQ(loop.Close(), 0);
  EXPECT_EQ(runs, 1);
}

TEST(LoopTest, PostAfterCloseIsDropped) {
  Loop loop;
  EXPECT_EQ(loop.Close(), 0);
  int runs = 0;
  loop.Post([&] { ++runs; });
  EXPECT_EQ(runs, 0);
}

// A handle its owner forgot to close is a leak: Close() says so instead of hiding it, and
// succeeds once the owner has closed it.
TEST(LoopTest, CloseReportsHandlesLeftOpen) {
  Loop loop;
  uv_timer_t timer;
  uv_timer_init(loop.uv(), &timer);
  uv_timer_start(
      &timer, [](uv_timer_t*) {}, 1'000'000, 0);
  EXPECT_EQ(loop.Close(), UV_EBUSY);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  EXPECT_EQ(loop.Close(), 0);
}

// A hold keeps Run() going until the completion it waits for has been posted and released.
TEST(LoopTest, HoldKeepsTheLoopRunningUntilReleased) {
  Loop loop;
  loop.Hold();
  std::atomic<bool> ran{false};
  std::thread worker([&] {
    loop.Post([&] {
      ran = true;
      loop.Release();
    });
  });
  loop.Run();
  worker.join();
  EXPECT_TRUE(ran);
  EXPECT_EQ(loop.holds(), 0);
  EXPECT_EQ(loop.Close(), 0);
}

// Post() racing with Close() from another thread: work is either run by Close() or dropped, and
// a post never touches the closed loop (that would abort inside uv_async_send).
TEST(LoopTest, PostRacingWithClose) {
  for (int round = 0; round < 200; ++round) {
    auto loop = std::make_unique<Loop>();
    std::atomic<bool> stop{false};
    std::atomic<int> posted{0};
    std::thread poster([&] {
      while (!stop) {
        loop->Post([] {});
        ++posted;
      }
    });
    while (posted < round % 10) {
    }
    EXPECT_EQ(loop->Close(), 0);
    stop = true;
    poster.join();
  }
}

}  // namespace
}  // namespace gw
