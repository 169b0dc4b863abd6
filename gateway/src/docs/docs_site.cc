#include "docs/docs_site.h"

#include <cstdlib>

#include "docs/swagger_ui.h"

namespace gw::docs {
namespace {

// The loading app's FastAPI defaults: title "Job - " + JOB_NAME, version JOB_VERSION or "1.0.0".
std::string EnvOr(const char* name, std::string_view fallback) {
  const char* v = std::getenv(name);
  return std::string(v != nullptr && *v != '\0' ? std::string_view(v) : fallback);
}

}  // namespace

DocsSite::DocsSite()
    : loading_title_("Job - " + EnvOr("JOB_NAME", "")),
      loading_openapi_(BuildLoadingOpenApi(EnvOr("JOB_NAME", ""), EnvOr("JOB_VERSION", "1.0.0"))) {}

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
