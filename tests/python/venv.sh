# Sourced by run.sh and lint.sh: creates (or reuses) the venv $VENV (default <repo>/.venv),
# installs the SDK in editable mode (which generates the gRPC stubs from proto/), the test and lint
# tools, numpy and flask (for examples/python/webview). A lock keeps two scripts that run at once
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
# Build tools in the venv itself, so the stubs match the grpcio/protobuf installed beside them.
"${PIP[@]}" setuptools wheel grpcio-tools pytest mypy ruff types-PyYAML types-protobuf
"${PIP[@]}" numpy || echo "venv.sh: numpy is not available; its serialization test is skipped" >&2
"${PIP[@]}" flask || echo "venv.sh: flask is not available; the Flask webview tests are skipped" >&2
"${PIP[@]}" --no-build-isolation -e "$REPO/worker-sdk/python"
flock -u 9
