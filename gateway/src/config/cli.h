// The gateway's command line:
//   gateway [--host H] [--port P] [limits...] (--worker CMD [ARGS...] | --worker-address ADDR)
#pragma once

#include <string>

#include "config/config.h"

namespace gw::config {

enum class CliOutcome { kRun, kExitSuccess, kExitUsageError };

// Fills `config` from argv. For --help / --version and for errors, `message` holds the text to
// print (to stdout for success, stderr for errors).
CliOutcome ParseCommandLine(int argc, const char* const* argv, Config* config,
                            std::string* message);

std::string Usage();

}  // namespace gw::config
