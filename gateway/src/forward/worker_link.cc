#include "forward/worker_link.h"

#include "forward/completion_thread.h"

namespace gw::forward {

std::shared_ptr<WorkerLink> WorkerLink::Connect(const std::string& address, int max_message_bytes) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_message_bytes);
  args.SetMaxSendMessageSize(max_message_bytes);
  // Reconnect quickly: a restarted worker must become ready without waiting out a long backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // A private channel per worker incarnation, never shared with a previous one.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto link = std::make_shared<WorkerLink>();
  link->address = address;
  link->channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  link->worker = pb::Worker::NewStub(link->channel);
  link->health = health::Health::NewStub(link->channel);
  link->queue = CompletionThread::Get().queue();
  return link;
}

}  // namespace gw::forward
