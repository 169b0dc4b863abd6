#include "docs/docs_site.h"

#include "docs/swagger_ui.h"

namespace gw::docs {
namespace {

// The loading app's FastAPI defaults: title "Job - " + JOB_NAME, version JOB_VERSION or "1.0.0".
constexpr std::string_view kLoadingVersion = "1.0.0";

}  // namespace

DocsSite::DocsSite(std::string_view job_name_env, std::string_view job_version_env)
    : loading_title_("Job - " + std::string(job_name_env)),
      loading_openapi_(BuildLoadingOpenApi(
          job_name_env, job_version_env.empty() ? kLoadingVersion : job_version_env)) {}

void DocsSite::OnWorkerReady(const forward::JobDescription& description,
                             const JobIdentity& identity) {
  openapi_ = BuildOpenApi(description, identity);
  title_ = "Job - " + identity.name;
  ready_ = true;
}

void DocsSite::OnWorkerGone() { ready_ = false; }

std::string DocsSite::SwaggerPage(std::string_view root_path) const {
  return SwaggerUiHtml(ready_ ? title_ : loading_title_, root_path);
}

}  // namespace gw::docs
