#!/usr/bin/env bash
# Python SDK tests: unit tests of racetrack_job_wrapper, the worker's gRPC side in process, and
# end-to-end tests that start `racetrack_job_runner run job.py` with the real gateway.
#
#   tests/python/run.sh [PYTEST ARGS...]
#
# Creates (or reuses) the venv /work/main/.venv, installs the SDK in editable mode (which
# generates the gRPC stubs from proto/), pytest, numpy and flask (for examples/python/webview),
# and runs pytest. The gateway binary is
# $RACETRACK_GATEWAY_BIN, else build/gateway/gateway; without it the end-to-end tests are skipped.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="${VENV:-$REPO/.venv}"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
# Build tools in the venv itself, so the stubs match the grpcio/protobuf installed beside them.
"${PIP[@]}" setuptools wheel grpcio-tools pytest
"${PIP[@]}" numpy || echo "run.sh: numpy is not available; its serialization test is skipped" >&2
"${PIP[@]}" flask || echo "run.sh: flask is not available; the Flask webview tests are skipped" >&2
"${PIP[@]}" --no-build-isolation -e "$REPO/worker-sdk/python"

export RACETRACK_GATEWAY_BIN="${RACETRACK_GATEWAY_BIN:-$REPO/build/gateway/gateway}"
if [[ ! -x "$RACETRACK_GATEWAY_BIN" ]]; then
  echo "run.sh: no gateway at $RACETRACK_GATEWAY_BIN (make build); end-to-end tests will be skipped" >&2
fi
cd "$REPO/tests/python"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
