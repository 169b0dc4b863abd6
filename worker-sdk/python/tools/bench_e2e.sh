#!/usr/bin/env bash
# End-to-end throughput of a Python job behind the gateway, and CPU per request of each process.
#   tools/bench_e2e.sh [JOB_DIR] [CONNECTIONS] [SECONDS]
# Runs `racetrack_job_runner run job.py` pinned to CPU 0 and `wrk -t1` pinned to CPU 1, posting
# {"number": 7907} to /api/v1/perform (the seed's prime checker by default). Needs wrk.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
JOB_DIR="${1:-$REPO/examples/python}"
CONNS="${2:-16}"
SECS="${3:-10}"
PORT="${PORT:-7391}"
PY="${PYTHON:-$REPO/.venv/bin/python}"
export RACETRACK_GATEWAY_BIN="${RACETRACK_GATEWAY_BIN:-$REPO/build/gateway/gateway}"
LOG="$(mktemp)"
LUA="$(mktemp --suffix=.lua)"
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.body = '{"number": 7907}'
wrk.headers["Content-Type"] = "application/json"
LUA

cd "$JOB_DIR"
taskset -c 0 "$PY" -m racetrack_job_wrapper run job.py --port "$PORT" > "$LOG" 2>&1 &
GATEWAY_PID=$!
trap 'kill "$GATEWAY_PID" 2>/dev/null; wait "$GATEWAY_PID" 2>/dev/null; rm -f "$LUA" "$LOG"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null && break
  sleep 0.1
done
WORKER_PID="$(pgrep -P "$GATEWAY_PID" | head -1)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# warm-up
taskset -c 1 wrk -t1 -c"$CONNS" -d2s -s "$LUA" "http://127.0.0.1:$PORT/api/v1/perform" > /dev/null
g0=$(cpu_ticks "$GATEWAY_PID"); w0=$(cpu_ticks "$WORKER_PID")
OUT="$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$LUA" "http://127.0.0.1:$PORT/api/v1/perform")"
g1=$(cpu_ticks "$GATEWAY_PID"); w1=$(cpu_ticks "$WORKER_PID")
echo "$OUT"
TICK=$(getconf CLK_TCK)
REQS=$(echo "$OUT" | awk '/requests in/ {print $1}')
awk -v g=$((g1 - g0)) -v w=$((w1 - w0)) -v t="$TICK" -v n="$REQS" 'BEGIN {
  printf "CPU per request: gateway %.1f us, worker %.1f us (over %d requests)\n", g / t / n * 1e6, w / t / n * 1e6, n }'
grep -c ERROR "$LOG" | xargs -I{} echo "ERROR lines in the log: {}"
