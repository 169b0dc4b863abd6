#!/usr/bin/env bash
# Browser test of Swagger UI at /docs: headless Debian Chromium driven by playwright-core.
#
#   tests/browser/run.sh
#
# Installs the pinned playwright-core (package-lock.json) into tests/browser/node_modules when it
# is missing, never a browser of its own: the test uses /usr/bin/chromium (scripts/install-deps.sh).
# $RACETRACK_GATEWAY_BIN and $RACETRACK_PRIME_JOB_BIN name the binaries (default: build/).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export RACETRACK_GATEWAY_BIN="${RACETRACK_GATEWAY_BIN:-$REPO/build/gateway/gateway}"
export RACETRACK_PRIME_JOB_BIN="${RACETRACK_PRIME_JOB_BIN:-$REPO/build/examples/cpp/prime_job}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RACETRACK_GATEWAY_BIN="$(realpath "$RACETRACK_GATEWAY_BIN")"
RACETRACK_PRIME_JOB_BIN="$(realpath "$RACETRACK_PRIME_JOB_BIN")"

cd "$HERE"
wanted="$(node -p "require('./package.json').devDependencies['playwright-core']")"
have="$(node -p "try { require('playwright-core/package.json').version } catch { '' }")"
if [[ "$have" != "$wanted" ]]; then
  npm ci --no-audit --no-fund --silent
fi
exec node --test --test-reporter=spec "$HERE"/*.test.mjs
