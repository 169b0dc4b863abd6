// Who the job is and how it was deployed, read once at start from the environment and the
// manifest (spec §4, §5.2, §16), then handed to whoever needs it: probes, docs, the base URL,
// the concurrency cap, and the worker's environment (so SDKs need not read the manifest again).
#pragma once

#include <string>
#include <vector>

#include "api/probes.h"
#include "config/manifest.h"

namespace gw::config {

// Set in a spawned worker's environment: the manifest's jobtype_extra.max_concurrency, which an
// SDK uses to size its pool when RACETRACK_WORKER_THREADS is not set.
inline constexpr const char* kJobMaxConcurrencyEnv = "RACETRACK_JOB_MAX_CONCURRENCY";

struct JobConfig {
  ManifestLoad manifest;           // an error here is a sticky init failure (/live 500)
  JobIdentity identity;            // env, else manifest, else placeholders
  api::DeploymentInfo deployment;  // JOB_NAME, JOB_VERSION, GIT_VERSION, ... as set

  // NAME=VALUE entries a spawned worker gets on top of the gateway's own environment:
  // JOB_NAME and JOB_VERSION when the environment or the manifest gives them (never the
  // placeholders), and kJobMaxConcurrencyEnv when the manifest sets a cap.
  std::vector<std::string> WorkerEnvironment() const;
};

// Reads the environment and the manifest (`manifest_path`: --manifest-path, "" if not given).
JobConfig LoadJobConfig(const std::string& manifest_path);

}  // namespace gw::config
