// The gateway's one event loop. Owns the uv_loop_t and the single door through which other
// threads (gRPC completions) hand work to it: Post(). Posted functions run on the loop thread,
// in order, on a later loop turn.
#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <vector>

namespace gw {

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  uv_loop_t* uv() { return &loop_; }

  // Thread-safe. `fn` runs on the loop thread. Wake-ups coalesce: many posts, one turn.
  void Post(std::function<void()> fn);

  // Runs until no referenced handles remain.
  void Run();

  // Closes the posting handle (after which Post() drops work) and every remaining handle, runs
  // the loop until all close callbacks are done. Returns uv_loop_close()'s result.
  int Close();

 private:
  static void OnAsync(uv_async_t* handle) noexcept;
  void Drain();

  uv_loop_t loop_;
  uv_async_t async_;
  std::mutex mu_;
  bool closed_ = false;                          // guarded by mu_
  std::vector<std::function<void()>> queue_;     // guarded by mu_
  std::vector<std::function<void()>> draining_;  // loop thread only
};

}  // namespace gw
