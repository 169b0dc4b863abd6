#!/usr/bin/env bash
# Python SDK tests: unit/ (mirrors the package racetrack_job_wrapper; the worker's gRPC side runs
# in process) and e2e/ (`racetrack_job_runner run job.py` with the real gateway).
#
#   tests/python/run.sh [PYTEST ARGS...]
#
# The venv comes from venv.sh. The gateway binary is $RACETRACK_GATEWAY_BIN, else
# build/gateway/gateway; without it the end-to-end tests are skipped.
set -euo pipefail
source "$(dirname "$0")/venv.sh"

export RACETRACK_GATEWAY_BIN="${RACETRACK_GATEWAY_BIN:-$REPO/build/gateway/gateway}"
if [[ ! -x "$RACETRACK_GATEWAY_BIN" ]]; then
  echo "run.sh: no gateway at $RACETRACK_GATEWAY_BIN (make build); end-to-end tests will be skipped" >&2
fi
cd "$REPO/tests/python"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
