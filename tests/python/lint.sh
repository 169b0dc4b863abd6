#!/usr/bin/env bash
# Lint of the Python SDK, configured in worker-sdk/python/pyproject.toml: ruff over the package and
# tests/python, mypy over the package (it ships py.typed). Uses the venv of run.sh (venv.sh).
#
#   tests/python/lint.sh
set -euo pipefail
source "$(dirname "$0")/venv.sh"

cd "$REPO/worker-sdk/python"
status=0
"$VENV/bin/ruff" check . "$REPO/tests/python" || status=1
"$VENV/bin/mypy" || status=1
exit $status
