// The job's OpenAPI 3.1.0 document (spec §6.3), as compact JSON text. Built once per worker
// description (the app caches the text and rebuilds it when the worker restarts), so serving
// /openapi.json costs no formatting. Operations the worker describes itself are embedded as is.
#pragma once

#include <string>
#include <string_view>

#include "config/manifest.h"
#include "forward/job_description.h"

namespace gw::docs {

using config::JobIdentity;  // the resolved name, version and base URL (spec §5.2)

// The full app's document: probes, perform, parameters, the worker's auxiliary and static
// endpoints in Describe's order, and `/`.
std::string BuildOpenApi(const forward::JobDescription& description, const JobIdentity& identity);

// The document while the job loads (or failed to): the three probes only, with no security
// (spec §5.1). `title_name` is the JOB_NAME env ("" if unset), `version` JOB_VERSION or "1.0.0".
std::string BuildLoadingOpenApi(std::string_view title_name, std::string_view version);

// True if `text` is one well-formed JSON value (fragments from the worker are checked before
// they are embedded, so one bad fragment cannot break the whole document).
bool IsValidJson(std::string_view text);

}  // namespace gw::docs
