// Completion: what happens when one asynchronous gRPC operation completes, for the code that
// drains a completion queue itself (the gateway's completion thread, the worker's completion
// drain). The object is the operation's tag, so it must outlive the operation. Header-only; it
// includes nothing of gRPC.
#pragma once

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace racetrack_common {

class Completion {
 public:
  // Runs on the thread that drained the queue; `ok` as gRPC reports it.
  virtual void Complete(bool ok) = 0;

  // The tag to start an operation with. gRPC (not built with ThreadSanitizer) hands the tag to
  // the draining thread through its own locks, which ThreadSanitizer cannot see: a TSan build is
  // told here (release) and in Run (acquire). Nothing in other builds.
  void* tag() {
#if defined(__SANITIZE_THREAD__)
    __tsan_release(this);
#endif
    return this;
  }

  // What the draining thread calls with a tag the queue returned.
  static void Run(void* tag, bool ok) {
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(tag);
#endif
    static_cast<Completion*>(tag)->Complete(ok);
  }

 protected:
  ~Completion() = default;
};

// A Completion that calls a member function of its owner.
template <typename Owner, void (Owner::*kOnComplete)(bool)>
class MemberCompletion final : public Completion {
 public:
  explicit MemberCompletion(Owner* owner) : owner_(owner) {}
  void Complete(bool ok) override { (owner_->*kOnComplete)(ok); }

 private:
  Owner* owner_;
};

}  // namespace racetrack_common
