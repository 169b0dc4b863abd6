// The worker's log lines: stdout, in the gateway's format (plain, or JSON with LOG_STRUCTURED),
// so that the job's lines and the gateway's read as one stream, as they did in the original
// runner. Internal to the SDKs.
#pragma once

namespace racetrack::internal {

// Makes spdlog's default logger the worker's. Call once, before the server starts.
void SetUpWorkerLogging();

}  // namespace racetrack::internal
