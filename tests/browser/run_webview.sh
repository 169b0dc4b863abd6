#!/usr/bin/env bash
# Browser test of the Flask webview example (examples/python/webview): headless Debian Chromium,
# driven by playwright-core, opens the page under /pub/job/webview/1.0.0/api/v1/webview/ and checks
# that its stylesheet is applied.
#
#   tests/browser/run_webview.sh
#
# The job runs with `racetrack_job_runner run job.py` from the venv of tests/python/run.sh
# ($VENV, default /work/main/.venv with the SDK and Flask); it is created through that script when
# it is missing. $RACETRACK_GATEWAY_BIN names the gateway (default: build/gateway/gateway).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export VENV="${VENV:-$REPO/.venv}"
export RACETRACK_GATEWAY_BIN="${RACETRACK_GATEWAY_BIN:-$REPO/build/gateway/gateway}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RACETRACK_GATEWAY_BIN="$(realpath "$RACETRACK_GATEWAY_BIN")"

if [[ ! -x "$VENV/bin/racetrack_job_runner" ]] || ! "$VENV/bin/python" -c 'import flask' 2>/dev/null; then
  bash "$REPO/tests/python/run.sh" --collect-only -q >/dev/null
fi
export RACETRACK_JOB_RUNNER="$VENV/bin/racetrack_job_runner"
export WEBVIEW_DIR="$REPO/examples/python/webview"

cd "$HERE"
wanted="$(node -p "require('./package.json').devDependencies['playwright-core']")"
have="$(node -p "try { require('playwright-core/package.json').version } catch { '' }")"
if [[ "$have" != "$wanted" ]]; then
  npm ci --no-audit --no-fund --silent
fi
# Not named *.test.mjs: run.sh (browser_docs) runs those, without the Python venv.
exec node --test --test-reporter=spec "$HERE/webview.browser.mjs"
