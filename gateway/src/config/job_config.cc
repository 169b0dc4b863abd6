#include "config/job_config.h"

namespace gw::config {

JobConfig LoadJobConfig(const std::string& manifest_path) {
  JobConfig job;
  job.manifest = LoadManifest(manifest_path);
  job.deployment = api::DeploymentInfo::FromEnvironment();
  job.identity = ResolveJobIdentity(job.manifest.manifest, job.deployment.job_name_env,
                                    job.deployment.job_version.value_or(""));
  return job;
}

std::vector<std::string> JobConfig::WorkerEnvironment() const {
  std::vector<std::string> env;
  const Manifest& m = manifest.manifest;
  std::string name = !deployment.job_name_env.empty() ? deployment.job_name_env : m.name;
  std::string version = deployment.job_version.value_or("");
  if (version.empty()) version = m.version;
  if (!name.empty()) env.push_back("JOB_NAME=" + name);
  if (!version.empty()) env.push_back("JOB_VERSION=" + version);
  if (m.max_concurrency.value_or(0) > 0) {
    env.push_back(std::string(kJobMaxConcurrencyEnv) + "=" + std::to_string(*m.max_concurrency));
  }
  return env;
}

}  // namespace gw::config
