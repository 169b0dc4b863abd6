#include "forward/completion_thread.h"

#include <pthread.h>

#include <mutex>
#include <utility>

#include "forward/grpc_worker_client.h"
#include "racetrack_common/poll_poller.h"

namespace gw::forward {
namespace {

std::mutex instance_mu;
CompletionThread* instance = nullptr;  // guarded by instance_mu

}  // namespace

CompletionThread& CompletionThread::Get() {
  std::lock_guard<std::mutex> lock(instance_mu);
  if (instance == nullptr) instance = new CompletionThread();
  return *instance;
}

void CompletionThread::Stop() {
  CompletionThread* stopping;
  {
    std::lock_guard<std::mutex> lock(instance_mu);
    stopping = std::exchange(instance, nullptr);
  }
  delete stopping;
}

CompletionThread::CompletionThread() : thread_([this] { Run(); }) {}

// Next() returns false once the queue is shut down and every operation has completed.
CompletionThread::~CompletionThread() {
  queue_.Shutdown();
  thread_.join();
}

void CompletionThread::Run() {
  pthread_setname_np(pthread_self(), "gw-completions");
  void* tag = nullptr;
  bool ok = false;
  while (queue_.Next(&tag, &ok)) Completion::Run(tag, ok);
}

// With poll(), gRPC polls a socket only for an operation waiting on it; the readiness watcher
// keeps one waiting while a worker's connection is being set up (forward/readiness_watcher.cc).
void StartCompletions() {
  const racetrack_common::PollPollerWhileStarting poller;  // the queue starts gRPC
  CompletionThread::Get();
}

void StopCompletions() { CompletionThread::Stop(); }

}  // namespace gw::forward
