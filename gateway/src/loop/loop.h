// The gateway's one event loop. Owns the uv_loop_t and the single door through which other
// threads (gRPC completions) hand work to it: Post(). Posted functions run on the loop thread,
// in order, on a later loop turn. Work that another thread will post back later holds the loop
// open (Hold/Release), so the loop cannot run out while a gRPC completion is still due.
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

  // Loop thread. While any hold is taken, Run() does not return: a completion that another
  // thread will Post() is still due. Every Hold() is matched by one Release().
  void Hold();
  void Release();
  int holds() const { return holds_; }

  // Runs until no referenced handles (and no holds) remain.
  void Run();

  // Closes the posting handle (after which Post() drops work) and runs the close callbacks that
  // are due. Handles still open are a leak of their owner: they are reported on stderr and left
  // alone, and the result is UV_EBUSY (call again once they are closed). Otherwise returns
  // uv_loop_close()'s result; 0 once closed.
  int Close();

 private:
  static void OnAsync(uv_async_t* handle) noexcept;
  void Drain();

  uv_loop_t loop_;
  uv_async_t async_;
  int holds_ = 0;             // loop thread only
  bool loop_closed_ = false;  // loop thread only
  std::mutex mu_;
  bool closed_ = false;                          // guarded by mu_
  std::vector<std::function<void()>> queue_;     // guarded by mu_
  std::vector<std::function<void()>> draining_;  // loop thread only
};

}  // namespace gw
