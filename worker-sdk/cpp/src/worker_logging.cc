// The worker's spdlog logger.
#include "racetrack/internal/worker_logging.h"

#include <racetrack_common/log_format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace racetrack::internal {

void SetUpWorkerLogging() {
  auto logger = spdlog::get("racetrack_worker");
  if (logger == nullptr) logger = spdlog::stdout_logger_mt("racetrack_worker");
  logger->set_formatter(
      racetrack_common::MakeFormatter(racetrack_common::EnvFlag("LOG_STRUCTURED")));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace racetrack::internal
