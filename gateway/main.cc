// The gateway executable: parse the command line, run the loop, exit 0 after a graceful drain.
#include <csignal>
#include <cstdio>
#include <string>

#include "app/gateway_app.h"
#include "config/cli.h"
#include "config/job_config.h"
#include "forward/grpc_worker_client.h"
#include "loop/loop.h"
#include "observability/log.h"
#include "racetrack_common/sched_policy.h"
#include "supervise/reaper.h"

int main(int argc, char** argv) {
  gw::config::Config config;
  std::string message;
  switch (gw::config::ParseCommandLine(argc, argv, &config, &message)) {
    case gw::config::CliOutcome::kExitSuccess:
      std::fputs(message.c_str(), stdout);
      return 0;
    case gw::config::CliOutcome::kExitUsageError:
      std::fputs(message.c_str(), stderr);
      return 2;
    case gw::config::CliOutcome::kRun:
      break;
  }
  std::signal(SIGPIPE, SIG_IGN);
  gw::log::Init(config.log_level, config.log_structured);
  // On the first thread, before any other starts: the threads below and the workers inherit it
  // (racetrack_common/sched_policy.h says why batch).
  if (std::string error; !racetrack_common::ApplySchedPolicy(config.sched_policy, error)) {
    gw::log::Warn(error + "; the gateway goes on under the policy it was started with");
  }

  gw::forward::StartCompletions();
  gw::Loop loop;
  // As a container's PID 1 (or the subreaper it makes itself) the gateway inherits the job's
  // orphaned grandchildren; it reaps them.
  gw::supervise::Reaper reaper(loop.uv());
  int exit_code = 0;
  {
    gw::app::GatewayApp app(loop, config, gw::config::LoadJobConfig(config.manifest_path));
    std::string error;
    if (app.Start(&error)) {
      loop.Run();
    } else {
      std::fprintf(stderr, "gateway: %s\n", error.c_str());
      exit_code = 1;
      app.BeginShutdown();
      loop.Run();
    }
    reaper.Close();
    // A handle still open here is a leak: Close() names it, and the exit status says so.
    if (loop.Close() != 0 && exit_code == 0) exit_code = 1;
  }
  gw::forward::StopCompletions();
  gw::log::Flush();
  return exit_code;
}
