// Files compiled into the binary by gateway/tools/embed_files.cc (the Swagger UI assets). The
// data is static storage for the life of the process; only docs/swagger_ui.cc reads it.
#pragma once

#include <cstddef>
#include <string_view>

namespace gw::docs {

struct EmbeddedFile {
  std::string_view name;  // e.g. "swagger-ui-bundle.js"
  std::string_view data;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

}  // namespace gw::docs
