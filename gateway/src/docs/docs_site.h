// What the gateway serves about the job's API (spec §6.3): /openapi.json, the Swagger UI page at
// /docs and its assets. Holds the cached OpenAPI document: the loading one (probes only) until
// the worker is ready, then the full one, rebuilt on every OnWorkerReady. Loop thread only.
#pragma once

#include <string>
#include <string_view>

#include "docs/openapi.h"
#include "forward/job_description.h"

namespace gw::docs {

class DocsSite {
 public:
  // Builds the loading document from the JOB_NAME and JOB_VERSION variables as set ("" if
  // not), spec §5.1.
  DocsSite(std::string_view job_name_env, std::string_view job_version_env);

  // Builds and caches the full document for this worker description.
  void OnWorkerReady(const forward::JobDescription& description, const JobIdentity& identity);
  // The worker is gone: back to the loading document until it is ready again.
  void OnWorkerGone();

  const std::string& openapi_json() const { return ready_ ? openapi_ : loading_openapi_; }
  // The Swagger UI page for a request under `root_path` ("" or "/pub/job/n/v").
  std::string SwaggerPage(std::string_view root_path) const;

 private:
  bool ready_ = false;
  std::string loading_title_;
  std::string loading_openapi_;
  std::string title_;
  std::string openapi_;
};

}  // namespace gw::docs
