# Sourced by run.sh and lint.sh: creates (or reuses) the venv $VENV (default <repo>/.venv),
# installs the SDK in editable mode (its worker runtime, the extension module, comes from
# build/python: make build), the test and lint tools, numpy and flask (for
# examples/python/webview), and generates the gRPC client stubs the contract tests speak
# (contract_stubs.py). A lock keeps two scripts that run at once
# (ctest -j) from installing into the same venv together.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$REPO/.venv}"
PYTHON="${PYTHON:-python3}"

mkdir -p "$VENV"
exec 9>"$VENV/.setup.lock"
flock 9
if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
# grpcio-tools: the tests' own gRPC client of the worker contract (worker_client.py).
"${PIP[@]}" setuptools wheel grpcio-tools pytest mypy ruff types-PyYAML
"${PIP[@]}" numpy || echo "venv.sh: numpy is not available; its serialization test is skipped" >&2
"${PIP[@]}" flask || echo "venv.sh: flask is not available; the Flask webview tests are skipped" >&2
"${PIP[@]}" --no-build-isolation -e "$REPO/worker-sdk/python"
"$VENV/bin/python" "$REPO/tests/python/contract_stubs.py" >/dev/null
flock -u 9
