// Why a worker's unix socket cannot be used, in words an operator can act on: a socket of
// another uid without group access, a mode without write permission, a path that is not a
// socket, nobody listening. gRPC only says "Connection refused" or retries in silence; the
// ReadinessWatcher reports this instead when the worker stays unreachable.
#pragma once

#include <string>

namespace gw::forward {

// `address` is a gRPC target; only "unix:PATH" and "unix://PATH" are looked at. Returns "" when a
// connection succeeds, when the socket does not exist yet (the worker may still be starting) or
// for any other kind of address.
std::string UnixSocketProblem(const std::string& address);

}  // namespace gw::forward
