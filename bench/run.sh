#!/usr/bin/env bash
# Side-by-side benchmark: our gateway vs the original Python runner (racetrack-job-runner 1.18.0),
# in one run, with wrk. See bench/README.md for what is measured and how to read it.
#
#   bash bench/run.sh                 # or: make bench (builds first)
#   BENCH_SECONDS=3 bash bench/run.sh # quick run
#
# Knobs (environment):
#   BENCH_SECONDS=10          duration of each measured wrk run (a 1 s warm-up precedes each)
#   BENCH_CONNECTIONS="1 16 64"  wrk connection counts for POST /api/v1/perform
#   BENCH_LIVE_CONNECTIONS=16 wrk connections for GET /live
#   BENCH_RUNS=1              repeat the whole set N times (targets interleaved); medians reported
#   BENCH_TARGETS="orig cpp cppquiet py"  which targets to run (one function target_<name> each;
#                             cppbase/pybase run binaries from BASE_BUILD_DIR, see below; also
#                             pycpu1 pycpu2 (a CPU-bound job), origsleep pysleep (a blocking job))
#   BASE_VENV_SDK=            pybase: a venv holding the Python SDK of the other tree (default:
#                             this tree's .venv)
#   BENCH_SERVER_CPU=0        CPU the server side is pinned to (taskset; the worker inherits it)
#   BENCH_LOAD_CPU=1          CPU wrk is pinned to
#   BENCH_WAIT_LOAD=          if set (e.g. 1.0), wait up to BENCH_WAIT_LOAD_TIMEOUT s (default 600)
#                             for the 1-minute load average to drop below it before starting
#   BUILD_DIR=build (or BUILD, as the Makefile names it)  where build/gateway/gateway and build/examples/cpp/prime_job live
#   GATEWAY_EXTRA_ARGS=       extra gateway options (before --worker), e.g. "--log-level info";
#                             default none: the gateway logs at debug, like the original
#   BENCH_SNAPSHOT=1          copy the binaries to RESULTS/bin first and run the copies, so that a
#                             concurrent rebuild of build/ cannot swap them mid-run (0: run in place)
#   BENCH_RESULTS_DIR=bench/results  where the report (latest.md), raw data and server logs go
#   VENV_ORIG=.venv-orig      venv holding the original runner (created on first use)
#   ORIG_PIP_EXTRA=           extra pip requirements installed with it when the venv is created,
#                             e.g. "fastapi==0.110.1 uvicorn[standard]==0.29.0" (the versions of
#                             the reference baseline; use another VENV_ORIG for such a variant)
#   VENV_SDK=.venv            venv holding worker-sdk/python (created on first use)
#   BENCH_CHART=1             draw RESULTS/chart.png with matplotlib (bench/chart.py; 0: no chart)
#   VENV_BENCH=.venv-bench    venv for the bench tools (matplotlib; created on first use)
#   BENCH_CHART_OUT=          also copy the chart there, e.g. bench/chart.png (the README's)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${BENCH_RESULTS_DIR:-$BENCH_DIR/results}

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 16 64"}
LIVE_CONNECTIONS=${BENCH_LIVE_CONNECTIONS:-16}
RUNS=${BENCH_RUNS:-1}
TARGETS=${BENCH_TARGETS:-"orig cpp cppquiet py"}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
LOAD_CPU=${BENCH_LOAD_CPU:-1}
WAIT_LOAD=${BENCH_WAIT_LOAD:-}
WAIT_LOAD_TIMEOUT=${BENCH_WAIT_LOAD_TIMEOUT:-600}
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-120}
BUILD_DIR=${BUILD_DIR:-${BUILD:-build}}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
VENV_ORIG=${VENV_ORIG:-$ROOT/.venv-orig}
case "$VENV_ORIG" in /*) ;; *) VENV_ORIG="$ROOT/$VENV_ORIG" ;; esac
VENV_SDK=${VENV_SDK:-$ROOT/.venv}
case "$VENV_SDK" in /*) ;; *) VENV_SDK="$ROOT/$VENV_SDK" ;; esac
VENV_BENCH=${VENV_BENCH:-$ROOT/.venv-bench}
case "$VENV_BENCH" in /*) ;; *) VENV_BENCH="$ROOT/$VENV_BENCH" ;; esac
ORIG_PACKAGE='racetrack-job-runner==1.18.0'
ORIG_PIP_EXTRA=${ORIG_PIP_EXTRA:-}
CHART=${BENCH_CHART:-1}
CHART_OUT=${BENCH_CHART_OUT:-}
case "$CHART_OUT" in /* | "") ;; *) CHART_OUT="$ROOT/$CHART_OUT" ;; esac

GATEWAY="$BUILD_DIR/gateway/gateway"
PRIME_JOB="$BUILD_DIR/examples/cpp/prime_job"
# What POST /api/v1/perform sends and must answer, unless a target sets T_BODY / T_EXPECT.
PERFORM_BODY='{"number": 7907}'
PERFORM_EXPECT='true'

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Targets: one function per target. Adding a target = one more function + its name in
# BENCH_TARGETS. Called with the port to listen on; sets:
#   T_DESC    one-line description (shown in the report)
#   T_ROLE    "baseline" for the original runner (ratios are ours / baseline), else "ours"
#   T_BASELINE for "ours": the baseline target the ratios divide by (default orig, the original
#             serving the same job.py; empty: none, for a job the original does not run here)
#   T_BODY    optional: the JSON body POSTed to /api/v1/perform (default PERFORM_BODY)
#   T_EXPECT  optional: the answer that body must get before the measurement (default PERFORM_EXPECT)
#   T_DIR     working directory the server starts in
#   T_ENV     array of extra VAR=value for the server's environment
#   T_CMD     array: the server command line (the harness prepends `taskset -c SERVER_CPU`)
#   T_CPUS    optional: the CPUs for the server side instead of SERVER_CPU (e.g. "0,1")
#   T_READY   readiness path, polled until it answers 200
#   T_MAIN    what the "main" RSS column means (the started process; its children are summed
#             into the "tree" RSS: the gateway + its worker, or the original's one process)
#   T_CHECKS  array of "metric op threshold" targets, evaluated by report.py; metrics:
#             rps_ratio@N (ours/T_BASELINE req/s at N connections), p99_ms@N, rps@N, live_rps,
#             main_rss_idle_mb, main_rss_after_mb, tree_rss_idle_mb, tree_rss_after_mb
#   T_REQUIRES array of files that must exist (checked before anything runs)
# ---------------------------------------------------------------------------------------------
target_orig() {
    local port=$1
    T_DESC="original runner ($ORIG_PACKAGE, one Python process) serving examples/python/job.py"
    T_ROLE=baseline
    T_DIR="$ROOT/examples/python"
    T_ENV=(JOB_NAME=primer JOB_VERSION=0.0.1)
    T_CMD=("$VENV_ORIG/bin/racetrack_job_runner" run --port "$port" job.py)
    T_READY=/ready
    T_MAIN="python process"
    T_CHECKS=()
    T_REQUIRES=("$VENV_ORIG/bin/racetrack_job_runner")
}

target_cpp() {
    local port=$1
    T_DESC="gateway + C++ prime worker (build/examples/cpp/prime_job)"
    T_ROLE=ours
    T_DIR="$ROOT"
    T_ENV=()
    # shellcheck disable=SC2206  # GATEWAY_EXTRA_ARGS is a list of options
    T_CMD=("$GATEWAY" --port "$port" ${GATEWAY_EXTRA_ARGS:-} --worker "$PRIME_JOB")
    T_READY=/ready
    T_MAIN="gateway process"
    T_CHECKS=(
        "rps_ratio@16 >= 50"
        "p99_ms@16 <= 1"
        "live_rps >= 30000"
        "main_rss_idle_mb <= 20"
        "main_rss_after_mb <= 40"
        "rps_vs_cppquiet@16 >= 0.9"
    )
    T_REQUIRES=("$GATEWAY" "$PRIME_JOB")
}

# The same gateway and worker with logging and metrics off: the reference for what they cost.
target_cppquiet() {
    local port=$1
    target_cpp "$port"
    T_DESC="gateway + C++ prime worker, --log-level off --no-metrics"
    # shellcheck disable=SC2206
    T_CMD=("$GATEWAY" --port "$port" --log-level off --no-metrics ${GATEWAY_EXTRA_ARGS:-}
           --worker "$PRIME_JOB")
    T_CHECKS=()
}

# The seed's job.py, unchanged, behind the gateway with the Python worker (racetrack_job_runner
# from worker-sdk/python installed in .venv by tests/python/run.sh or `make bench`).
# The same two targets on binaries built from another tree (BASE_BUILD_DIR, e.g. the commit
# before a change), so that one run compares the two versions side by side:
#   BASE_BUILD_DIR=/path/to/old/build BENCH_TARGETS="orig cpp cppbase py pybase" bash bench/run.sh
target_cppbase() {
    local port=$1
    [ -n "${BASE_BUILD_DIR:-}" ] || die "target cppbase needs BASE_BUILD_DIR"
    T_DESC="gateway + C++ prime worker built from BASE_BUILD_DIR ($BASE_BUILD_DIR)"
    T_ROLE=ours
    T_DIR="$ROOT"
    T_ENV=()
    # shellcheck disable=SC2206  # GATEWAY_EXTRA_ARGS is a list of options
    T_CMD=("$BASE_BUILD_DIR/gateway/gateway" --port "$port" ${GATEWAY_EXTRA_ARGS:-}
           --worker "$BASE_BUILD_DIR/examples/cpp/prime_job")
    T_READY=/ready
    T_MAIN="gateway process"
    T_CHECKS=()
    T_REQUIRES=("$BASE_BUILD_DIR/gateway/gateway" "$BASE_BUILD_DIR/examples/cpp/prime_job")
}

target_pybase() {
    local port=$1
    [ -n "${BASE_BUILD_DIR:-}" ] || die "target pybase needs BASE_BUILD_DIR"
    target_py "$port"
    local venv=${BASE_VENV_SDK:-$VENV_SDK}
    T_DESC="gateway built from BASE_BUILD_DIR + Python worker of ${BASE_VENV_SDK:+BASE_VENV_SDK}${BASE_VENV_SDK:-worker-sdk/python} serving examples/python/job.py"
    T_ENV=(JOB_NAME=primer JOB_VERSION=0.0.1 "RACETRACK_GATEWAY_BIN=$BASE_BUILD_DIR/gateway/gateway")
    T_CMD=("$venv/bin/racetrack_job_runner" run --port "$port" job.py)
    T_CHECKS=()
    T_REQUIRES=("$BASE_BUILD_DIR/gateway/gateway" "$venv/bin/racetrack_job_runner")
}

# A CPU-bound Python job (examples/python/cpu_bound: ~2 ms of pure Python per call) with one and
# with two worker processes, the server side on both cores (T_CPUS) in both cases: one
# interpreter is held to one core by the GIL, --workers 2 runs two.
target_pycpu1() {
    local port=$1
    T_DESC="gateway + Python worker, CPU-bound job (examples/python/cpu_bound), --workers 1, CPUs 0-1"
    T_ROLE=ours
    T_DIR="$ROOT/examples/python/cpu_bound"
    T_ENV=(JOB_NAME=primer JOB_VERSION=0.0.1 "RACETRACK_GATEWAY_BIN=$GATEWAY"
           "RACETRACK_GATEWAY_ARGS=--workers 1")
    T_CMD=("$VENV_SDK/bin/racetrack_job_runner" run --port "$port" job.py)
    T_CPUS=0,1
    T_BASELINE=  # the original does not run this job here: no ratio
    T_READY=/ready
    T_MAIN="gateway process"
    T_CHECKS=()
    T_REQUIRES=("$GATEWAY" "$VENV_SDK/bin/racetrack_job_runner")
}

target_pycpu2() {
    local port=$1
    target_pycpu1 "$port"
    T_DESC="gateway + Python worker, CPU-bound job (examples/python/cpu_bound), --workers 2, CPUs 0-1"
    T_ENV=(JOB_NAME=primer JOB_VERSION=0.0.1 "RACETRACK_GATEWAY_BIN=$GATEWAY"
           "RACETRACK_GATEWAY_ARGS=--workers 2")
    T_CHECKS=("rps_vs_pycpu1@16 >= 1.8")
}

target_py() {
    local port=$1
    T_DESC="gateway + Python worker (racetrack_job_runner from worker-sdk/python) serving examples/python/job.py"
    T_ROLE=ours
    T_DIR="$ROOT/examples/python"
    T_ENV=(JOB_NAME=primer JOB_VERSION=0.0.1 "RACETRACK_GATEWAY_BIN=$GATEWAY")
    T_CMD=("$VENV_SDK/bin/racetrack_job_runner" run --port "$port" job.py)
    T_READY=/ready
    T_MAIN="gateway process"
    T_CHECKS=(
        "rps_ratio@16 >= 60"
        "p99_ms@16 <= 2"
        "tree_rss_after_vs_baseline <= 1"
    )
    T_REQUIRES=("$GATEWAY" "$VENV_SDK/bin/racetrack_job_runner")
}

# A blocking Python job (examples/python/blocking: time.sleep(0.01) per call, no CPU), under the
# original runner and behind the gateway with the Python worker. Both run max_concurrency calls
# at once (40 by default: the original's thread pool, our worker's call pool), so at 64
# connections 40 calls overlap: at most ~4,000 req/s. pysleep's ratios divide by origsleep.
target_origsleep() {
    local port=$1
    target_orig "$port"
    T_DESC="original runner ($ORIG_PACKAGE) serving examples/python/blocking/job.py (time.sleep(0.01) per call)"
    T_DIR="$ROOT/examples/python/blocking"
    T_ENV=(JOB_NAME=sleeper JOB_VERSION=0.0.1)
    T_BODY='{}'
    T_EXPECT='{"slept_ms":10.0}'
}

target_pysleep() {
    local port=$1
    target_py "$port"
    T_DESC="gateway + Python worker serving examples/python/blocking/job.py (time.sleep(0.01) per call)"
    T_DIR="$ROOT/examples/python/blocking"
    T_ENV=(JOB_NAME=sleeper JOB_VERSION=0.0.1 "RACETRACK_GATEWAY_BIN=$GATEWAY")
    T_BASELINE=origsleep
    T_BODY='{}'
    T_EXPECT='{"slept_ms":10.0}'
    T_CHECKS=(
        "rps_ratio@64 >= 1"
        "rps@64 >= 3000"
    )
}

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
# the optional target settings, reset before each target function sets its own
target_defaults() {
    T_CPUS=
    T_BASELINE=orig
    T_BODY=$PERFORM_BODY
    T_EXPECT=$PERFORM_EXPECT
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# pid and all its descendants, one per line
proc_tree() {
    local pid=$1 child
    [ -d "/proc/$pid" ] || return 0
    echo "$pid"
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do
        proc_tree "$child"
    done
}

# VmRSS in kB of one pid (0 if gone)
rss_kb() {
    local kb
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
    echo "${kb:-0}"
}

tree_rss_kb() {
    local total=0 p
    for p in $(proc_tree "$1"); do total=$((total + $(rss_kb "$p"))); done
    echo "$total"
}

# utime + stime (clock ticks) summed over the process tree
tree_cpu_ticks() {
    local total=0 p t
    for p in $(proc_tree "$1"); do
        # fields after the ")" of comm: state is $1, utime is $12, stime is $13
        t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

SERVER_PID=
stop_server() {
    local pid=${SERVER_PID:-}
    [ -n "$pid" ] || return 0
    SERVER_PID=
    local tree
    tree=$(proc_tree "$pid" | tr '\n' ' ')
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        log "server $pid did not stop on SIGTERM within 15 s; killing its tree ($tree)"
        # shellcheck disable=SC2086
        kill -KILL $tree 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# wait until GET url answers 200, the server is alive, or the deadline passes
wait_ready() {
    local url=$1 pid=$2 logfile=$3 deadline=$((SECONDS + READY_TIMEOUT)) code
    while :; do
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logfile" >&2; die "server exited before ready ($url)"; }
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)
        [ "$code" = 200 ] && return 0
        [ $SECONDS -lt $deadline ] || { tail -n 20 "$logfile" >&2; die "not ready after ${READY_TIMEOUT}s: $url (last code $code)"; }
        sleep 0.1
    done
}

# parse wrk --latency output on stdin into: rps p50_us p99_us requests errors non2xx
parse_wrk() {
    awk '
    function us(v,   n, u) {
        n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") return n + 0
        if (u == "ms") return n * 1000
        if (u == "s")  return n * 1000000
        if (u == "m")  return n * 60000000
        if (u == "h")  return n * 3600000000
        return -1
    }
    $1 == "50%" && p50 == "" { p50 = us($2) }
    $1 == "99%" && p99 == "" { p99 = us($2) }
    $2 == "requests" && $3 == "in" { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { gsub(",", ""); errs = $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    END {
        if (rps == "" || p50 == "" || p99 == "") exit 1
        printf "%s %.1f %.1f %d %d %d\n", rps, p50, p99, reqs, errs + 0, non2xx + 0
    }'
}

# run_wrk TARGET RUN ENDPOINT CONNS URL SCRIPT: warm-up 1 s, then measure; appends to raw.tsv
run_wrk() {
    local target=$1 run=$2 endpoint=$3 conns=$4 url=$5 script=$6
    local args=(-t1 "-c$conns" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    # post.lua sends $BENCH_BODY
    BENCH_BODY=$T_BODY taskset -c "$LOAD_CPU" wrk "${args[@]}" -d1s "$url" >/dev/null
    local cpu0 cpu1 out parsed tag="${target}-r${run}-${endpoint#/}-c${conns}"
    tag=${tag//\//_}
    cpu0=$(tree_cpu_ticks "$SERVER_PID")
    out=$(BENCH_BODY=$T_BODY taskset -c "$LOAD_CPU" wrk "${args[@]}" "-d${SECONDS_PER_RUN}s" "$url")
    cpu1=$(tree_cpu_ticks "$SERVER_PID")
    printf '%s\n' "$out" >"$RESULTS/wrk-$tag.txt"
    parsed=$(printf '%s\n' "$out" | parse_wrk) || { printf '%s\n' "$out" >&2; die "could not parse wrk output ($tag)"; }
    local rps p50 p99 reqs errs non2xx
    read -r rps p50 p99 reqs errs non2xx <<<"$parsed"
    local cpu_us_per_req
    cpu_us_per_req=$(awk -v d=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.1f", (n > 0 ? d * 1e6 / hz / n : 0) }')
    local rss_tree rss_main
    rss_tree=$(tree_rss_kb "$SERVER_PID"); rss_main=$(rss_kb "$SERVER_PID")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$run" "$endpoint" "$conns" \
        "$rps" "$p50" "$p99" "$reqs" "$errs" "$non2xx" "$cpu_us_per_req" "$rss_tree" "$rss_main" >>"$RAW"
    log "$(printf '%-5s run %s %-16s c=%-3s %10.1f req/s  p50 %8.3f ms  p99 %8.3f ms  err %s/%s  cpu %s us/req  rss %s kB' \
        "$target" "$run" "$endpoint" "$conns" "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" \
        "$(awk -v v="$p99" 'BEGIN{print v/1000}')" "$errs" "$non2xx" "$cpu_us_per_req" "$rss_tree")"
}

bench_target() {
    local name=$1 run=$2 port
    port=$(free_port)
    target_defaults
    "target_$name" "$port"
    local base="http://127.0.0.1:$port" logfile="$RESULTS/server-$name.log"
    log "$name (run $run): starting on port $port, pinned to CPU ${T_CPUS:-$SERVER_CPU}: ${T_CMD[*]}"
    (cd "$T_DIR" && exec env "${T_ENV[@]}" taskset -c "${T_CPUS:-$SERVER_CPU}" "${T_CMD[@]}") >>"$logfile" 2>&1 &
    SERVER_PID=$!
    wait_ready "$base$T_READY" "$SERVER_PID" "$logfile"
    local answer
    answer=$(curl -s --max-time 10 -X POST -H 'Content-Type: application/json' -d "$T_BODY" "$base/api/v1/perform")
    [ "$answer" = "$T_EXPECT" ] || die "$name: POST /api/v1/perform $T_BODY answered '$answer', expected '$T_EXPECT'"
    local p affinity=""
    for p in $(proc_tree "$SERVER_PID"); do
        affinity+="$p:$(taskset -pc "$p" 2>/dev/null | awk '{print $NF}') "
    done
    sleep 1
    printf '%s\t%s\tidle\t%s\t%s\t%s\n' "$name" "$run" "$(tree_rss_kb "$SERVER_PID")" "$(rss_kb "$SERVER_PID")" \
        "$(proc_tree "$SERVER_PID" | wc -l)" >>"$RSS"
    local baseline=$T_BASELINE
    [ "$T_ROLE" = baseline ] && baseline=
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$T_ROLE" "$T_MAIN" "$T_DESC" "${T_CMD[*]}" "$affinity" \
        "$baseline" "$T_BODY" >"$RESULTS/target-$name.tsv"
    printf '%s\n' "${T_CHECKS[@]+"${T_CHECKS[@]}"}" >"$RESULTS/checks-$name.txt"
    local c
    for c in $CONNECTIONS; do
        run_wrk "$name" "$run" /api/v1/perform "$c" "$base/api/v1/perform" "$BENCH_DIR/post.lua"
    done
    run_wrk "$name" "$run" /live "$LIVE_CONNECTIONS" "$base/live" ""
    printf '%s\t%s\tafter\t%s\t%s\t%s\n' "$name" "$run" "$(tree_rss_kb "$SERVER_PID")" "$(rss_kb "$SERVER_PID")" \
        "$(proc_tree "$SERVER_PID" | wc -l)" >>"$RSS"
    stop_server
}

# ---------------------------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------------------------
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v taskset >/dev/null || die "taskset not found (util-linux)"
command -v curl >/dev/null || die "curl not found"
command -v python3 >/dev/null || die "python3 not found"
[ "$(nproc)" -ge 2 ] || log "WARNING: fewer than 2 CPUs online; server and wrk will share a core"
CLK_TCK=$(getconf CLK_TCK)

for name in $TARGETS; do
    declare -F "target_$name" >/dev/null || die "unknown target '$name' (define target_$name in bench/run.sh)"
done

# does any selected target run this file? (its T_REQUIRES names it)
targets_require() {
    local name f
    for name in $TARGETS; do
        target_defaults
        "target_$name" 0
        for f in "${T_REQUIRES[@]}"; do [ "$f" = "$1" ] && return 0; done
    done
    return 1
}

if targets_require "$VENV_ORIG/bin/racetrack_job_runner" && [ ! -x "$VENV_ORIG/bin/racetrack_job_runner" ]; then
    log "creating $VENV_ORIG with $ORIG_PACKAGE $ORIG_PIP_EXTRA"
    python3 -m venv "$VENV_ORIG"
    # shellcheck disable=SC2086  # ORIG_PIP_EXTRA is a list of requirements
    "$VENV_ORIG/bin/pip" install -q "$ORIG_PACKAGE" $ORIG_PIP_EXTRA
fi

if targets_require "$VENV_SDK/bin/racetrack_job_runner" && [ ! -x "$VENV_SDK/bin/racetrack_job_runner" ]; then
    log "installing worker-sdk/python into $VENV_SDK"
    [ -x "$VENV_SDK/bin/python" ] || python3 -m venv "$VENV_SDK"
    "$VENV_SDK/bin/pip" install -q setuptools wheel grpcio-tools
    # The targets name the gateway they run (RACETRACK_GATEWAY_BIN): no need to build one in.
    RACETRACK_SKIP_GATEWAY=1 "$VENV_SDK/bin/pip" install -q --no-build-isolation "$ROOT/worker-sdk/python"
fi

# The chart needs matplotlib, from a venv of its own. Without it the run goes on and the report
# says the chart was skipped.
CHART_SKIPPED=
if [ "$CHART" = 1 ]; then
    if ! "$VENV_BENCH/bin/python" -c 'import matplotlib' 2>/dev/null; then
        log "installing matplotlib into $VENV_BENCH"
        { [ -x "$VENV_BENCH/bin/python" ] || python3 -m venv "$VENV_BENCH"; } &&
            "$VENV_BENCH/bin/pip" install -q matplotlib ||
            CHART_SKIPPED="matplotlib could not be installed into $VENV_BENCH"
    fi
else
    CHART_SKIPPED="BENCH_CHART=$CHART"
fi
[ -z "$CHART_SKIPPED" ] || log "WARNING: no chart: $CHART_SKIPPED"

for name in $TARGETS; do
    target_defaults
    "target_$name" 0
    for f in "${T_REQUIRES[@]}"; do
        [ -x "$f" ] || die "missing $f -- build first: make bench (or cmake -S . -B build -G Ninja && ninja -C build gateway prime_job)"
    done
done

mkdir -p "$RESULTS"
RAW="$RESULTS/raw.tsv"
RSS="$RESULTS/rss.tsv"
META="$RESULTS/meta.txt"
rm -f "$RAW" "$RSS" "$RESULTS"/target-*.tsv "$RESULTS"/checks-*.txt "$RESULTS"/wrk-*.txt "$RESULTS"/server-*.log \
    "$RESULTS"/chart.png "$RESULTS"/chart.txt "$RESULTS"/chart.log

# Snapshot the binaries: others may rebuild build/ while we measure, and a run must not mix
# builds. The targets then run the copies.
SNAPSHOT_INFO=""
if [ "${BENCH_SNAPSHOT:-1}" = 1 ]; then
    mkdir -p "$RESULTS/bin"
    for var in GATEWAY PRIME_JOB; do
        src=${!var}
        [ -x "$src" ] || continue
        dst="$RESULTS/bin/$(basename "$src")"
        cp "$src" "$dst.tmp" && mv "$dst.tmp" "$dst"
        SNAPSHOT_INFO+="$(basename "$src") built $(date -u -r "$src" '+%Y-%m-%d %H:%M:%S UTC') (sha256 $(sha256sum "$dst" | cut -c1-12)); "
        printf -v "$var" '%s' "$dst"
    done
fi

if [ -n "$WAIT_LOAD" ]; then
    deadline=$((SECONDS + WAIT_LOAD_TIMEOUT))
    while awk -v l="$(load1)" -v m="$WAIT_LOAD" 'BEGIN { exit !(l >= m) }'; do
        [ $SECONDS -lt $deadline ] || { log "load still $(load1) after ${WAIT_LOAD_TIMEOUT}s; going ahead"; break; }
        log "waiting for load < $WAIT_LOAD (now $(load1))"
        sleep 10
    done
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$(awk -v l="${LOAD_START%% *}" 'BEGIN { print (l >= 1) }')" = 1 ] &&
    log "WARNING: 1-minute load is ${LOAD_START%% *} (>= 1): other work is running; figures will be noisy"

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command: BENCH_SECONDS=$SECONDS_PER_RUN BENCH_CONNECTIONS=\"$CONNECTIONS\" BENCH_LIVE_CONNECTIONS=$LIVE_CONNECTIONS BENCH_RUNS=$RUNS BENCH_TARGETS=\"$TARGETS\" bash bench/run.sh"
    echo "machine: $(nproc) CPUs, $(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), kernel $(uname -r)"
    echo "pinning: server side taskset -c $SERVER_CPU, wrk taskset -c $LOAD_CPU (wrk -t1 -cN -d${SECONDS_PER_RUN}s --latency, 1 s warm-up before each)"
    echo "wrk: $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
    echo "source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); binaries from $BUILD_DIR"
    [ -n "$SNAPSHOT_INFO" ] && echo "binaries (copied to $RESULTS/bin before the run): ${SNAPSHOT_INFO%; }"
    [ -x "$GATEWAY" ] && echo "gateway: $("$GATEWAY" --version 2>&1 | head -n1)"
    if [ -x "$VENV_ORIG/bin/pip" ]; then
        echo "original: $("$VENV_ORIG/bin/python" --version 2>&1), $("$VENV_ORIG/bin/pip" list 2>/dev/null |
            awk 'tolower($1) ~ /^(racetrack[-_]job[-_]runner|fastapi|uvicorn|uvloop|httptools|starlette)$/ {printf "%s%s %s", sep, $1, $2; sep=", "}')"
    fi
    echo "load at start (1/5/15 min): $LOAD_START"
} >"$META"

# ---------------------------------------------------------------------------------------------
# Run: targets interleaved per run, so drift hits all of them alike
# ---------------------------------------------------------------------------------------------
for run in $(seq 1 "$RUNS"); do
    for name in $TARGETS; do
        bench_target "$name" "$run"
    done
done

echo "load at end (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg)" >>"$META"

# The chart first: the report says whether there is one (RESULTS/chart.txt).
if [ -z "$CHART_SKIPPED" ]; then
    if "$VENV_BENCH/bin/python" "$BENCH_DIR/chart.py" "$RESULTS" "$RESULTS/chart.png" $TARGETS \
        >"$RESULTS/chart.log" 2>&1; then
        echo "chart.png (req/s and p99 per target and connection count)" >"$RESULTS/chart.txt"
        if [ -n "$CHART_OUT" ] && ! [ "$RESULTS/chart.png" -ef "$CHART_OUT" ]; then
            cp "$RESULTS/chart.png" "$CHART_OUT"
            log "chart copied to $CHART_OUT"
        fi
    else
        CHART_SKIPPED="bench/chart.py failed: $(tail -n1 "$RESULTS/chart.log")"
    fi
fi
[ -z "$CHART_SKIPPED" ] || echo "skipped ($CHART_SKIPPED)" >"$RESULTS/chart.txt"

python3 "$BENCH_DIR/report.py" "$RESULTS" $TARGETS | tee "$RESULTS/latest.md"
