// One connection to one worker incarnation: the gRPC channel and the stubs made on it, shared
// by every RPC started on it (each RPC holds the link until gRPC is done with it). A restarted
// worker gets a new link, never the old channel. Every RPC on it completes on `queue`, the
// completion thread's (forward/completion_thread.h). forward/ only.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "racetrack/worker/v1/worker.grpc.pb.h"

namespace gw::forward {

namespace pb = ::racetrack::worker::v1;
namespace health = ::grpc::health::v1;

struct WorkerLink {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::Worker::Stub> worker;
  std::unique_ptr<health::Health::Stub> health;
  grpc::CompletionQueue* queue = nullptr;

  // `address` is a gRPC target, e.g. "unix:/run/x/worker.sock" or "127.0.0.1:7001".
  static std::shared_ptr<WorkerLink> Connect(const std::string& address, int max_message_bytes);
};

}  // namespace gw::forward
