#!/usr/bin/env bash
# Soak test: at least SOAK_REQUESTS (default 1,000,000) mixed requests with connection churn
# (bench/soak.lua) against the gateway with the C++ prime worker, in rounds of wrk runs; reports
# the gateway's RSS and open file descriptors before, after each round, and at the end, and fails
# if a request got a wrong status class or if RSS or fds keep growing.
#
#   bash bench/soak.sh        # after make build
# Knobs: SOAK_REQUESTS, SOAK_ROUND_SECONDS (10), SOAK_CONNECTIONS (64), BUILD_DIR (build),
#        SOAK_SERVER_CPU (0), SOAK_LOAD_CPU (1)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
TARGET=${SOAK_REQUESTS:-1000000}
ROUND=${SOAK_ROUND_SECONDS:-10}
CONNS=${SOAK_CONNECTIONS:-64}
SERVER_CPU=${SOAK_SERVER_CPU:-0}
LOAD_CPU=${SOAK_LOAD_CPU:-1}
GATEWAY="$BUILD_DIR/gateway/gateway"
JOB="$BUILD_DIR/examples/cpp/prime_job"
command -v wrk >/dev/null || { echo "soak: wrk is not installed (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$GATEWAY" ] && [ -x "$JOB" ] || { echo "soak: build first (make build)" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
JOB_NAME=primer JOB_VERSION=0.0.1 taskset -c "$SERVER_CPU" "$GATEWAY" --host 127.0.0.1 \
  --port "$port" --log-level warning --worker "$JOB" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "http://127.0.0.1:$port/ready" >/dev/null || { cat "$log" >&2; exit 1; }

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
fds() { find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
printf 'soak: %s mixed requests, %s connections, rounds of %s s (gateway pid %s)\n' \
  "$TARGET" "$CONNS" "$ROUND" "$pid"
printf '%-8s %12s %10s %10s %6s\n' round requests "req/s" "rss kB" fds
rss0=$(rss); fds0=$(fds)
printf '%-8s %12s %10s %10s %6s\n' before 0 - "$rss0" "$fds0"
total=0; round=0; bad=0; first_rss=
while [ "$total" -lt "$TARGET" ]; do
  round=$((round + 1))
  out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${ROUND}s" -s "$ROOT/bench/soak.lua" \
        "http://127.0.0.1:$port")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  # Errors from wrk: connect/read/write/timeout (closing connections are not errors).
  errs=$(awk '/Socket errors/ {gsub(",",""); for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) s+=$i} END {print s+0}' <<<"$out")
  bad=$((bad + errs))
  total=$((total + n))
  [ -z "$first_rss" ] && first_rss=$(rss)
  printf '%-8s %12s %10s %10s %6s\n' "$round" "$total" "$rps" "$(rss)" "$(fds)"
done
# Let keep-alive connections close, then look again.
sleep 1
rss1=$(rss); fds1=$(fds)
printf '%-8s %12s %10s %10s %6s\n' after "$total" - "$rss1" "$fds1"
kill -0 "$pid" || { echo "soak: the gateway died" >&2; cat "$log" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/ready" >/dev/null || { echo "soak: not ready at the end" >&2; exit 1; }
status=0
[ "$bad" -eq 0 ] || { echo "soak: $bad socket errors" >&2; status=1; }
# Growth after the first round (allocator warm-up) must stay small.
[ $((rss1 - first_rss)) -lt 20000 ] || { echo "soak: RSS grew by $((rss1 - first_rss)) kB after the first round" >&2; status=1; }
[ $((fds1 - fds0)) -le 2 ] || { echo "soak: fds grew from $fds0 to $fds1" >&2; status=1; }
[ "$status" -eq 0 ] && echo "soak: ok"
exit "$status"
