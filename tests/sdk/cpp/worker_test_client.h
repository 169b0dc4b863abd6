// What the worker runtime's in-process tests share: a private directory for the worker's socket,
// a gate jobs wait on, and one Calls stream seen from the gateway's side (the generated sync
// client).
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace racetrack::internal::test_support {

namespace v1 = racetrack::worker::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;

inline constexpr milliseconds kWait{10000};

// A private temporary directory (for the worker's unix socket), removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/rt_sdk_test_XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      ADD_FAILURE() << "cannot create a temporary directory";
      return;
    }
    path_ = pattern;
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A one-shot gate that tests open and jobs wait on.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool Wait(milliseconds timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Opens a gate when it goes, so that a failed assertion does not leave a job waiting on it.
struct GateOpenedOnExit {
  Gate& gate;
  ~GateOpenedOnExit() { gate.Open(); }
};

inline v1::Call MakeCall(std::uint64_t id, const std::string& payload,
                         std::uint32_t timeout_ms = 0) {
  v1::Call call;
  call.set_id(id);
  call.set_endpoint("/perform");
  call.set_method("POST");
  call.set_payload_json(payload);
  call.set_timeout_ms(timeout_ms);
  return call;
}

// One Calls stream seen from the gateway's side.
class CallsClient {
 public:
  explicit CallsClient(v1::Worker::Stub& stub) {
    context_.set_deadline(std::chrono::system_clock::now() + seconds(30));
    stream_ = stub.Calls(&context_);
  }

  std::uint64_t Send(std::vector<v1::Call> calls, std::vector<std::uint64_t> cancel_ids = {}) {
    return SendWithSeq(++seq_, std::move(calls), std::move(cancel_ids));
  }

  // A message the gateway does not wait for the ack of (its window has room).
  std::uint64_t SendAckLater(std::vector<v1::Call> calls) {
    return SendWithSeq(++seq_, std::move(calls), {}, /*ack_later=*/true);
  }

  std::uint64_t SendWithSeq(std::uint64_t seq, std::vector<v1::Call> calls,
                            std::vector<std::uint64_t> cancel_ids = {}, bool ack_later = false) {
    v1::CallBatch batch;
    batch.set_seq(seq);
    batch.set_ack_later(ack_later);
    for (v1::Call& call : calls) *batch.add_calls() = std::move(call);
    for (std::uint64_t id : cancel_ids) batch.add_cancel_ids(id);
    EXPECT_TRUE(stream_->Write(batch));
    return seq;
  }

  // Reads one message; false when the stream ended.
  bool Read(v1::ReplyBatch& batch) {
    if (!stream_->Read(&batch)) return false;
    max_ack_ = std::max(max_ack_, batch.ack_seq());
    for (const v1::Reply& reply : batch.replies()) replies_[reply.id()] = reply;
    return true;
  }

  // Reads until `count` replies in total have arrived.
  bool ReadReplies(std::size_t count) {
    v1::ReplyBatch batch;
    while (replies_.size() < count) {
      if (!Read(batch)) return false;
    }
    return true;
  }

  // Reads until the worker has acknowledged `seq`.
  bool ReadAck(std::uint64_t seq) {
    v1::ReplyBatch batch;
    while (max_ack_ < seq) {
      if (!Read(batch)) return false;
    }
    return true;
  }

  grpc::Status Finish() {
    stream_->WritesDone();
    v1::ReplyBatch batch;
    while (Read(batch)) {
    }
    return stream_->Finish();
  }

  void Cancel() { context_.TryCancel(); }

  const std::map<std::uint64_t, v1::Reply>& replies() const { return replies_; }
  std::uint64_t max_ack() const { return max_ack_; }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::CallBatch, v1::ReplyBatch>> stream_;
  std::uint64_t seq_ = 0;
  std::uint64_t max_ack_ = 0;
  std::map<std::uint64_t, v1::Reply> replies_;
};

}  // namespace racetrack::internal::test_support
