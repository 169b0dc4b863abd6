// The job manifest (job.yaml) as the gateway needs it: name, version and the jobtype_extra
// settings (concurrency cap, home page). Read once at start from the original's sources, in
// order (spec §4): --manifest-path, $JOB_MANIFEST_YAML (literal `\n` → newline), ./job.yaml,
// else {} with a warning. A failure is the job's init failure: "reading job manifest: <cause>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::config {

inline constexpr std::string_view kDefaultHomePage = "/docs";
inline constexpr std::string_view kManifestEnv = "JOB_MANIFEST_YAML";
inline constexpr std::string_view kLocalManifest = "job.yaml";

struct Manifest {
  std::string name;     // "" if absent (or false-ish, as Python's `or` treats it)
  std::string version;  // "" if absent
  std::optional<uint32_t> max_concurrency;                // jobtype_extra.max_concurrency
  std::optional<uint32_t> max_concurrency_queue;          // jobtype_extra.max_concurrency_queue
  std::string home_page = std::string(kDefaultHomePage);  // jobtype_extra.home_page
};

// Where the manifest came from, for the start-up log.
enum class ManifestSource { kPath, kEnv, kLocalFile, kNone };

struct ManifestLoad {
  Manifest manifest;
  ManifestSource source = ManifestSource::kNone;
  std::optional<std::string> error;  // "reading job manifest: <cause>"
};

// Picks the source as the original does; `manifest_path` is --manifest-path ("" if not given).
// Logs the original's warning when there is no manifest at all.
ManifestLoad LoadManifest(const std::string& manifest_path);

// Parses manifest YAML text (empty or null → {}). On failure returns false with the init error
// as the original words it: "reading job manifest: <cause>" for YAML that cannot be read,
// "Expected integer in <field>, but got: <v>" for a bad jobtype_extra number.
bool ParseManifest(std::string_view yaml, Manifest* manifest, std::string* error);

// Every literal two-character `\n` becomes a newline (how Racetrack escapes JOB_MANIFEST_YAML).
std::string UnescapeNewlines(std::string_view text);

// The job's name, version and base URL (spec §5.2): env, else manifest, else the placeholder.
struct JobIdentity {
  std::string name;
  std::string version;
  std::string base_url;  // "/pub/job/{name}/{version}"
};
JobIdentity ResolveJobIdentity(const Manifest& manifest, std::string_view env_name,
                               std::string_view env_version);

}  // namespace gw::config
