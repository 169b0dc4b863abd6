#!/usr/bin/env bash
# What a Python user does on a fresh machine (after scripts/install-deps.sh): a new venv,
# `pip install ./worker-sdk/python` (which builds the gateway into the package), then
# `racetrack_job_runner run job.py` in examples/python serves the seed's prime checker.
# Run by .ci/run from a fresh clone. The compiler cache is shared with the main build.
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
test -x "$work/v/lib/"python3*/site-packages/racetrack_job_wrapper/bin/racetrack-gateway

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
echo "pip_install_check: ok (the packaged gateway served the prime checker)"
