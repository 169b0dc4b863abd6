// The gateway executable: parse the command line, run the loop, exit 0 after a graceful drain.
#include <csignal>
#include <cstdio>
#include <string>

#include "app/gateway_app.h"
#include "config/cli.h"
#include "loop/loop.h"
#include "observability/log.h"
#include "supervise/reaper.h"
#include "supervise/socket_check.h"

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

  gw::Loop loop;
  // As a container's PID 1 (or the subreaper it makes itself) the gateway inherits the job's
  // orphaned grandchildren; it reaps them. Closed by loop.Close(), so it outlives the loop.
  gw::supervise::Reaper reaper(loop.uv());
  // A worker in another container: say why its socket cannot be used, if it cannot.
  gw::supervise::SocketCheck socket_check(loop.uv(), config.worker_address);
  int exit_code = 0;
  {
    gw::app::GatewayApp app(loop, config);
    std::string error;
    if (app.Start(&error)) {
      loop.Run();
    } else {
      std::fprintf(stderr, "gateway: %s\n", error.c_str());
      exit_code = 1;
      app.BeginShutdown();
      loop.Run();
    }
    loop.Close();
  }
  gw::log::Flush();
  return exit_code;
}
