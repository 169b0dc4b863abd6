#!/usr/bin/env bash
# What a Python user does on a fresh machine (after scripts/install-deps.sh): a new venv,
# `pip install ./worker-sdk/python` (which builds the worker runtime, the extension module, and the
# gateway into the package), then `racetrack_job_runner run job.py` in examples/python serves the
# seed's prime checker. Then `pip wheel` gives a wheel that installs into another fresh venv and
# loads its worker runtime there. Run by .ci/run from a fresh clone. The compiler cache is shared
# with the main build.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export CCACHE_BASEDIR="$REPO"
python3 -m venv "$work/v"
started=$(date +%s)
env -u RACETRACK_GATEWAY_BIN "$work/v/bin/pip" install --quiet --disable-pip-version-check \
  "$REPO/worker-sdk/python"
echo "pip_install_check: pip install took $(( $(date +%s) - started )) s"
site="$(echo "$work/v/lib/"python3*/site-packages)"
test -x "$site/racetrack_job_wrapper/bin/racetrack-gateway"
ls "$site"/racetrack_job_wrapper/_native*.so >/dev/null
# The worker runtime is C++: no gRPC or protobuf Python packages come with the SDK.
if "$work/v/bin/pip" show --quiet grpcio protobuf 2>/dev/null; then
  echo "pip_install_check: grpcio/protobuf were installed with the SDK" >&2
  exit 1
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cd "$REPO/examples/python"
env -u RACETRACK_GATEWAY_BIN PATH="/usr/bin:/bin" "$work/v/bin/racetrack_job_runner" run job.py \
  --port "$port" >"$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
answer=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/perform" \
  -H 'Content-Type: application/json' -d '{"number": 7907}') || { cat "$work/run.log" >&2; exit 1; }
if [ "$answer" != "true" ]; then
  echo "pip_install_check: perform answered '$answer', expected true" >&2
  cat "$work/run.log" >&2
  exit 1
fi
grep -q "racetrack_job_wrapper/bin/racetrack-gateway\|Running gateway" "$work/run.log"
kill -TERM "$pid"
wait "$pid"
pid=

started=$(date +%s)
env -u RACETRACK_GATEWAY_BIN "$work/v/bin/pip" wheel --quiet --disable-pip-version-check --no-deps \
  -w "$work/wheels" "$REPO/worker-sdk/python"
wheel=$(ls "$work"/wheels/racetrack_job_runner-*.whl)
echo "pip_install_check: pip wheel took $(( $(date +%s) - started )) s: $(basename "$wheel")"
python3 -m venv "$work/v2"
"$work/v2/bin/pip" install --quiet --disable-pip-version-check "$wheel"
(cd "$work" && "$work/v2/bin/python" -c 'from racetrack_job_wrapper._worker.native import runtime
assert runtime.__file__.startswith("'"$work"'/v2/"), runtime.__file__')
echo "pip_install_check: ok (the packaged gateway served the prime checker; the wheel installs and loads)"
