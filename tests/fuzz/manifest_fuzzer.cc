// libFuzzer target: the job manifest loader (config/manifest). Any bytes as job.yaml must give
// a manifest or an error message, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  gw::config::Manifest manifest;
  std::string error;
  const bool ok = gw::config::ParseManifest(yaml, &manifest, &error);
  if (!ok && error.empty()) std::abort();
  (void)gw::config::UnescapeNewlines(yaml);
  return 0;
}
