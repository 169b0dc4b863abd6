// The gateway's one gRPC completion queue and the thread that drains it. Every asynchronous gRPC
// operation of forward/ (the Calls streams, the unary RPCs) completes here, and its completion
// only hands results to the loop (Loop::Post). One thread that polls gRPC's sockets and runs the
// completions costs fewer thread wake-ups per exchange than gRPC's callback threads (two or more,
// passing the poller role to each other on every event). forward/ only (it includes gRPC).
#pragma once

#include <grpcpp/grpcpp.h>

#include <thread>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace gw::forward {

// What happens when one operation completes, on the completion thread; `ok` as gRPC reports it.
// The object is the operation's tag (tag()), so it must outlive the operation.
class Completion {
 public:
  virtual void Complete(bool ok) = 0;

  // The tag to start an operation with. gRPC (not built with ThreadSanitizer) hands the tag to
  // the completion thread through its own locks, which ThreadSanitizer cannot see: a TSan build
  // is told here (release) and in CompletionThread::Run (acquire). Nothing in other builds.
  void* tag() {
#if defined(__SANITIZE_THREAD__)
    __tsan_release(this);
#endif
    return this;
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

class CompletionThread {
 public:
  // The process's completion thread, started on first use.
  static CompletionThread& Get();
  // Ends the thread once every operation has completed (StopCompletions, grpc_worker_client.h);
  // a later Get() starts a new one.
  static void Stop();

  grpc::CompletionQueue* queue() { return &queue_; }

  CompletionThread(const CompletionThread&) = delete;
  CompletionThread& operator=(const CompletionThread&) = delete;

 private:
  CompletionThread();
  ~CompletionThread();
  void Run();

  grpc::CompletionQueue queue_;
  std::thread thread_;
};

}  // namespace gw::forward
