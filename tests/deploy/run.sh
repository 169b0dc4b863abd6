#!/usr/bin/env bash
# The deploy check: builds every image with podman and proves each one as a user would run it.
# Run as root on Debian 12 (installs what it needs); called by .ci/run after `make test`.
#
#   tests/deploy/run.sh
#
# 1. podman/buildah set-up and the Debian base (scripts/podman-setup.sh), then the images:
#    racetrack-gateway (default target), racetrack-gateway-sidecar, racetrack-worker-cpp,
#    racetrack-job-runner-python, and examples/python/dockerfiled on it (with and without an extra
#    requirements.txt package), and the Racetrack templates of deploy/racetrack (Python, C++).
#    One build stage serves the repository's images.
# 2. Each serving image: /live, /ready, perform under /pub/job/NAME/VERSION, /metrics, /docs, then
#    `podman stop` with a slow call in flight: the call answers 200 and the container exits 0.
#    Run hardened as Racetrack and Kubernetes do: uid 100000, a random uid, --cap-drop all,
#    --read-only without a writable /tmp; and an orphan left by the job is reaped.
# 3. The sidecar overlay (deploy/kubernetes/sidecar) played with `podman kube play`: the same
#    checks, a worker-container restart, and a pod stop with a long call in flight.
# 4. Every overlay rendered with `kubectl kustomize` and validated offline against the
#    Kubernetes schemas (kubernetes-validate); the dashboard's, alerts' and KEDA's metric names
#    against a live /metrics.
# Every wait has a timeout; containers, pods and volumes are removed at the end. Prints one line
# per check, the image sizes and the duration, and closes with "N passed, N failed".
set -uo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$REPO"
started=$(date +%s)
TAG=ci
RUN_ID="rtdeploy$$"
WORK="$(mktemp -d /var/tmp/racetrack-deploy.XXXXXX)"
PASSED=0
FAILED=0
FAILURES=()

log() { echo "deploy: $*"; }
ok() {
  PASSED=$((PASSED + 1))
  echo "ok      $*"
}
bad() {
  FAILED=$((FAILED + 1))
  FAILURES+=("$*")
  echo "FAILED  $*"
}
# check NAME COMMAND...: one line, ok or FAILED with the command's output.
check() {
  local name="$1" out
  shift
  if out=$("$@" 2>&1); then
    ok "$name"
  else
    bad "$name"
    printf '%s\n' "$out" | tail -15 | sed 's/^/        /'
  fi
}
die() {
  echo "deploy: $*" >&2
  finish 1
}

cleanup() {
  local ids
  ids=$(podman ps -aq --filter "label=racetrack-deploy=$RUN_ID" 2>/dev/null)
  [ -n "$ids" ] && podman rm -f -t 0 $ids >/dev/null 2>&1
  for f in "$WORK"/kube-*.yaml; do
    [ -f "$f" ] && podman kube down "$f" >/dev/null 2>&1
  done
  podman pod ls -q --filter "name=$RUN_ID" 2>/dev/null | xargs -r podman pod rm -f >/dev/null 2>&1
  podman volume ls -q 2>/dev/null | grep "$RUN_ID" | xargs -r podman volume rm -f >/dev/null 2>&1
  podman network rm -f podman-default-kube-network >/dev/null 2>&1
  # Untagged images (earlier builds' stages) would fill the disk run after run; the compiler
  # cache mount survives this, so the next build recompiles little.
  podman image prune -f >/dev/null 2>&1
  rm -rf "$WORK"
}

finish() {
  cleanup
  local took=$(($(date +%s) - started))
  echo
  if [ ${#FAILURES[@]} -gt 0 ]; then
    echo "deploy: failed checks:"
    printf '  %s\n' "${FAILURES[@]}"
  fi
  echo "deploy: took ${took} s"
  echo "deploy: ${PASSED} passed, ${FAILED} failed"
  if [ "${1:-0}" -ne 0 ] || [ "$FAILED" -ne 0 ]; then exit 1; fi
  exit 0
}
trap 'finish 1' INT TERM

# ---------------------------------------------------------------- HTTP helpers
# http_status URL [curl args...] -> prints the status code (000 when nothing answered)
http_status() {
  local url="$1"
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url" || true
}
# wait_status URL CODE SECONDS: polls until URL answers CODE.
wait_status() {
  local url="$1" code="$2" deadline=$(($(date +%s) + $3))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(http_status "$url")" = "$code" ] && return 0
    sleep 0.2
  done
  echo "$url did not answer $code within $3 s (last: $(http_status "$url"))"
  return 1
}
# expect_body URL EXPECTED [curl args]: body equals EXPECTED and status 200.
expect_post() {
  local url="$1" body="$2" expected="$3" out code
  out=$(curl -s --max-time 30 -w '\n%{http_code}' -H 'Content-Type: application/json' -d "$body" "$url")
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  [ "$code" = 200 ] && [ "$out" = "$expected" ] && return 0
  echo "POST $url $body: $code $out (expected 200 $expected)"
  return 1
}
expect_grep() {
  local url="$1" pattern="$2" out
  out=$(curl -s --max-time 10 "$url")
  grep -q -- "$pattern" <<<"$out" && return 0
  echo "GET $url: no '$pattern' in: $(head -c 400 <<<"$out")"
  return 1
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
container_exit_code() { podman inspect --format '{{.State.ExitCode}}' "$1" 2>/dev/null; }
# wait_metric URL NAME VALUE SECONDS: polls /metrics until the sample NAME has VALUE.
wait_metric() {
  local url="$1" name="$2" value="$3" deadline=$(($(date +%s) + $4))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    curl -s --max-time 5 "$url" | grep -q "^$name $value\$" && return 0
    sleep 0.1
  done
  echo "$name never reached $value at $url"
  return 1
}

# stop_with_call_in_flight CONTAINER_OR_POD PORT PATH BODY EXPECTED STOP_CMD...:
# starts the call, waits until the gateway counts it in flight, stops, and expects the call to
# be answered 200 with EXPECTED and the stop to complete.
stop_with_call_in_flight() {
  local port="$1" path="$2" body="$3" expected="$4"
  shift 4
  local base="http://127.0.0.1:$port" out="$WORK/slow.$RANDOM"
  curl -s --max-time 60 -o "$out.body" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "$body" "$base$path" >"$out.code" &
  local curl_pid=$!
  wait_metric "$base/metrics" racetrack_gateway_requests_in_flight 1 10 || {
    kill $curl_pid 2>/dev/null
    return 1
  }
  local t0
  t0=$(date +%s)
  "$@" >/dev/null 2>&1 || echo "stop command failed: $*"
  wait $curl_pid
  local code body
  code=$(cat "$out.code")
  body=$(cat "$out.body" 2>/dev/null)
  echo "call answered $code $body; stop took $(($(date +%s) - t0)) s"
  [ "$code" = 200 ] && [ "$body" = "$expected" ]
}

# ---------------------------------------------------------------- 1. set-up and images
log "podman set-up"
bash scripts/podman-setup.sh >"$WORK/setup.log" 2>&1 || {
  cat "$WORK/setup.log"
  die "podman set-up failed"
}
eval "$(bash scripts/podman-setup.sh --env)"
command -v kubectl >/dev/null || log "kubectl is missing: the manifests cannot be rendered"

# Behind a TLS-intercepting proxy (its CA among the host's), pip and npm inside the build need
# the bundle that the locally built base carries; a registry-pulled base needs nothing.
build_args=(--pull=never --network host)
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  build_args+=(--build-arg PIP_CERT=/etc/ssl/certs/ca-certificates.crt
    --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
fi

build() { # build NAME CONTEXT [podman build args...]
  local name="$1" context="$2" t0
  shift 2
  t0=$(date +%s)
  if podman build "${build_args[@]}" -t "localhost/$name:$TAG" "$@" "$context" \
    >"$WORK/build-$name.log" 2>&1; then
    ok "build $name ($(($(date +%s) - t0)) s)"
    return 0
  fi
  bad "build $name"
  tail -30 "$WORK/build-$name.log" | sed 's/^/        /'
  return 1
}

log "building the images"
build racetrack-gateway . || die "the default image does not build; nothing else can be checked"
build racetrack-gateway-sidecar . --target gateway-sidecar
build racetrack-worker-cpp . --target worker-cpp
build racetrack-worker-cpp-testjobs . --target worker-cpp-testjobs
build racetrack-job-runner-python . --target python-runtime
build sample-dockerfiled examples/python/dockerfiled \
  --build-arg RUNNER_IMAGE=localhost/racetrack-job-runner-python:$TAG
# The same sample with a package in requirements.txt, installed by the sample's own RUN step.
cp -r examples/python/dockerfiled "$WORK/dockerfiled-req"
echo "six==1.16.0" >>"$WORK/dockerfiled-req/requirements.txt"
build sample-dockerfiled-req "$WORK/dockerfiled-req" \
  --build-arg RUNNER_IMAGE=localhost/racetrack-job-runner-python:$TAG
build racetrack-template-python deploy/racetrack/python \
  --build-arg RUNNER_IMAGE=localhost/racetrack-job-runner-python:$TAG
# The C++ template as an operator lays it out: this repository as racetrack/, the job in job/.
mkdir -p "$WORK/cpp-job/racetrack" "$WORK/cpp-job/job"
cp deploy/racetrack/cpp/Dockerfile deploy/racetrack/cpp/job.yaml "$WORK/cpp-job/"
cp examples/cpp/prime/main.cc "$WORK/cpp-job/job/"
tar -C "$REPO" --exclude=./.git --exclude='./build*' --exclude='./.venv*' --exclude=node_modules \
  --exclude=__pycache__ --exclude=./bench/results -cf - . | tar -C "$WORK/cpp-job/racetrack" -xf -
build racetrack-template-cpp "$WORK/cpp-job"

# ---------------------------------------------------------------- 2. each serving image
# serve_checks LABEL IMAGE JOB VERSION PERFORM_BODY EXPECTED SLOW_BODY SLOW_EXPECTED [run args] [-- cmd]
serve_checks() {
  local label="$1" image="$2" job="$3" version="$4" body="$5" expected="$6" slow="$7"
  local slow_expected="$8"
  shift 8
  local port name="$RUN_ID-$label" run_args=() cmd=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    run_args+=("$1")
    shift
  done
  [ "${1:-}" = "--" ] && shift && cmd=("$@")
  port=$(free_port)
  if ! podman run -d --name "$name" --label "racetrack-deploy=$RUN_ID" \
    -p "127.0.0.1:$port:7000" -e JOB_NAME="$job" -e JOB_VERSION="$version" \
    -e JOB_DEPLOYMENT_TIMESTAMP=1700000000 -e LOG_LEVEL=info \
    "${run_args[@]}" "localhost/$image:$TAG" "${cmd[@]}" >"$WORK/run-$label.log" 2>&1; then
    bad "$label: podman run"
    sed 's/^/        /' "$WORK/run-$label.log"
    return 1
  fi
  local base="http://127.0.0.1:$port" pub="/pub/job/$job/$version"
  if ! wait_status "$base/ready" 200 60 >"$WORK/wait-$label.log"; then
    bad "$label: ready within 60 s"
    podman logs "$name" 2>&1 | tail -15 | sed 's/^/        /'
    return 1
  fi
  ok "$label: ready"
  check "$label: /live has deployment_timestamp" expect_grep "$base/live" '"deployment_timestamp":"\?1700000000'
  check "$label: perform" expect_post "$base$pub/api/v1/perform" "$body" "$expected"
  check "$label: perform (latest)" expect_post "$base/pub/job/$job/latest/api/v1/perform" "$body" "$expected"
  check "$label: /metrics" expect_grep "$base/metrics" '^racetrack_gateway_requests_in_flight'
  check "$label: docs" expect_grep "$base$pub/docs" 'swagger'
  if [ "$slow" = - ]; then # the job has no slow call
    check "$label: podman stop" podman stop -t 40 "$name"
  else
    check "$label: stop with a call in flight answers it" \
      stop_with_call_in_flight "$port" "$pub/api/v1/perform" "$slow" "$slow_expected" \
      podman stop -t 40 "$name"
  fi
  local code
  code=$(container_exit_code "$name")
  if [ "$code" = 0 ]; then ok "$label: exit code 0"; else
    bad "$label: exit code $code"
    podman logs "$name" 2>&1 | tail -10 | sed 's/^/        /'
  fi
  podman logs "$name" >"$WORK/logs-$label.log" 2>&1
  podman rm -f -t 0 "$name" >/dev/null 2>&1
}

HARDENED=(--cap-drop all --security-opt no-new-privileges --read-only --read-only-tmpfs=false)
PRIME_SLOW='{"number":40000000000000063}'
log "serving images"
serve_checks prime-uid100000 racetrack-gateway primer 0.1.0 '{"number":7907}' true \
  "$PRIME_SLOW" true "${HARDENED[@]}"
serve_checks prime-random-uid racetrack-gateway primer 0.1.0 '{"number":7908}' false \
  "$PRIME_SLOW" true --user 54321:54321 "${HARDENED[@]}"
serve_checks cpp-template racetrack-template-cpp my-cpp-job 0.1.0 '{"number":7907}' true \
  "$PRIME_SLOW" true --user 100000:100000 "${HARDENED[@]}"
serve_checks python-dockerfiled sample-dockerfiled sample-dockerfiled 0.0.1 '{"number":7907}' true \
  '{"number":100000000000031}' true --user 54321:54321 "${HARDENED[@]}"
serve_checks python-dockerfiled-req sample-dockerfiled-req sample-dockerfiled 0.0.1 \
  '{"number":7908}' false '{"number":100000000000031}' true "${HARDENED[@]}"
check "python-dockerfiled-req: the extra package is installed" \
  podman run --rm "localhost/sample-dockerfiled-req:$TAG" python -c 'import six'
serve_checks python-template racetrack-template-python my-python-job 0.1.0 '{"a":40,"b":2}' 42 \
  - - --user 100000:100000 "${HARDENED[@]}"

# Orphans: a job whose shell leaves background processes behind (their parents exit at once);
# the gateway, PID 1 of the container, must reap them. Seen from the host's /proc.
children_of() { # children_of PID -> "pid state comm" lines
  python3 - "$1" <<'PY'
import os, sys
parent = sys.argv[1]
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        stat = open(f'/proc/{pid}/stat').read()
    except OSError:
        continue
    comm = stat[stat.index('(') + 1:stat.rindex(')')]
    state, ppid = stat[stat.rindex(')') + 2:].split()[:2]
    if ppid == parent:
        print(pid, state, comm)
PY
}
reap_check() {
  local name="$RUN_ID-reap" pid seen=0 kids deadline
  podman run -d --name "$name" --label "racetrack-deploy=$RUN_ID" "${HARDENED[@]}" \
    "localhost/racetrack-job-runner-python:$TAG" racetrack-gateway --port 7000 --worker /bin/sh -c \
    '(sleep 1 &); (sleep 1 &); (sleep 1 &); exec python3 -c "import time; time.sleep(120)"' \
    >/dev/null || return 1
  pid=$(podman inspect --format '{{.State.Pid}}' "$name")
  deadline=$(($(date +%s) + 20))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kids=$(children_of "$pid")
    grep -q ' sleep$' <<<"$kids" && seen=1
    if [ "$seen" = 1 ] && ! grep -q ' sleep$' <<<"$kids"; then
      podman rm -f -t 0 "$name" >/dev/null
      echo "the orphans were adopted by the gateway and reaped"
      return 0
    fi
    sleep 0.1
  done
  echo "gateway pid $pid (seen orphans: $seen); its children:"
  echo "$kids"
  podman rm -f -t 0 "$name" >/dev/null
  return 1
}

# ---------------------------------------------------------------- 3. the sidecar pod
# play_pod LABEL [WORKER_IMAGE]: plays the rendered sidecar overlay; sets POD, GW, WK, PORT, KUBE.
play_pod() {
  local label="$1" worker_image="${2:-}" suffix="$RUN_ID$1"
  PORT=$(free_port)
  KUBE="$WORK/kube-$label.yaml"
  kubectl kustomize deploy/kubernetes/sidecar >"$WORK/rendered-pod-$label.yaml" || return 1
  "$PY" tests/deploy/manifests.py kube-play "$WORK/rendered-pod-$label.yaml" "$KUBE" "$suffix" \
    "$PORT" "$TAG" $worker_image || return 1
  podman kube play "$KUBE" >"$WORK/play-$label.log" 2>&1 || {
    cat "$WORK/play-$label.log"
    return 1
  }
  POD=$(podman pod ls --format '{{.Name}}' | grep "^racetrack-job-$suffix" | head -1)
  GW=$(podman ps --filter "pod=$POD" --format '{{.Names}}' | grep -- '-gateway$' | head -1)
  WK=$(podman ps --filter "pod=$POD" --format '{{.Names}}' | grep -- '-worker$' | head -1)
  SOCKET_VOLUME="worker-socket-$suffix"
  [ -n "$POD" ] && [ -n "$GW" ] && [ -n "$WK" ] || {
    echo "pod $POD: gateway '$GW', worker '$WK'"
    return 1
  }
  wait_status "http://127.0.0.1:$PORT/ready" 200 60 || {
    podman logs "$GW" 2>&1 | tail -10
    podman logs "$WK" 2>&1 | tail -10
    return 1
  }
}
socket_mode() {
  local mp mode
  mp=$(podman volume inspect --format '{{.Mountpoint}}' "$SOCKET_VOLUME") || return 1
  mode=$(stat -c %a "$mp/worker.sock") || return 1
  echo "worker.sock mode $mode"
  [ "$mode" = 660 ]
}
# What Kubernetes does on pod deletion: SIGTERM to every container at once, SIGKILL after the
# grace period (40 s in the manifests), the pod's network kept until they have exited. (`podman
# pod stop` tears the pod's network down at once, cutting the answers of a draining gateway.)
stop_pod_containers() {
  podman stop -t 40 "$GW" "$WK"
}
pod_exit_codes() {
  local gcode wcode
  gcode=$(container_exit_code "$GW")
  wcode=$(container_exit_code "$WK")
  echo "gateway exit $gcode, worker exit $wcode"
  [ "$gcode" = 0 ] && [ "$wcode" = 0 ] && return 0
  podman logs "$GW" 2>&1 | tail -6
  podman logs "$WK" 2>&1 | tail -6
  return 1
}
pod_checks() {
  local base pub="/pub/job/primer/0.1.0"
  if ! play_pod prime >"$WORK/pod-prime.log" 2>&1; then
    bad "pod: sidecar overlay played and ready within 60 s"
    tail -20 "$WORK/pod-prime.log" | sed 's/^/        /'
    return 1
  fi
  ok "pod: sidecar overlay played, ready (gateway + worker containers, socket in an emptyDir)"
  base="http://127.0.0.1:$PORT"
  check "pod: socket created with mode 0660" socket_mode
  check "pod: perform" expect_post "$base$pub/api/v1/perform" '{"number":7907}' true
  check "pod: /metrics" expect_grep "$base/metrics" '^racetrack_gateway_queue_depth'
  check "pod: docs" expect_grep "$base$pub/docs" 'swagger'
  curl -s --max-time 10 "$base/metrics" >"$WORK/live-metrics.txt"
  # The worker container restarts: the gateway serves again once the new worker is up.
  if podman restart -t 2 "$WK" >/dev/null 2>&1; then
    check "pod: ready again after a worker-container restart" wait_status "$base/ready" 200 30
    check "pod: perform after the worker restart" \
      expect_post "$base$pub/api/v1/perform" '{"number":7908}' false
  else
    bad "pod: podman restart of the worker container"
  fi
  check "pod: stop with a call in flight answers it" \
    stop_with_call_in_flight "$PORT" "$pub/api/v1/perform" "$PRIME_SLOW" true \
    stop_pod_containers
  check "pod: both containers exit 0" pod_exit_codes
  podman kube down "$KUBE" >/dev/null 2>&1

  # Pod shutdown with a 20 s call in flight (the manifests: drain 25 s, grace 40 s): both
  # containers get SIGTERM at once; the worker serves until the gateway's drain is over.
  if ! play_pod sleepy "localhost/racetrack-worker-cpp-testjobs:$TAG" >"$WORK/pod-sleepy.log" 2>&1; then
    bad "pod (sleepy worker): played and ready within 60 s"
    tail -20 "$WORK/pod-sleepy.log" | sed 's/^/        /'
    return 1
  fi
  check "pod: stop with a 20 s call in flight answers it 200 within the grace period" \
    stop_with_call_in_flight "$PORT" "$pub/api/v1/perform" '{"ms":20000}' '{"slept":20000}' \
    stop_pod_containers
  check "pod (sleepy worker): both containers exit 0" pod_exit_codes
  podman kube down "$KUBE" >/dev/null 2>&1
}

# ---------------------------------------------------------------- 4. manifests and metrics
log "validation venv (kubernetes-validate)"
python3 -m venv "$WORK/venv" >/dev/null 2>&1 && "$WORK/venv/bin/pip" install -q kubernetes-validate \
  >"$WORK/venv.log" 2>&1 || {
  tail -5 "$WORK/venv.log"
  die "cannot install kubernetes-validate"
}
PY="$WORK/venv/bin/python"

log "the sidecar pod"
pod_checks
check "reaper: a job's orphans leave no zombies (gateway as PID 1)" reap_check

log "manifests"
validate_overlay() {
  local dir="$1" out="$WORK/rendered-$(basename "$1").yaml"
  kubectl kustomize "$dir" >"$out" || return 1
  "$WORK/venv/bin/kubernetes-validate" --strict -k 1.29.0 "$out"
}
for overlay in single sidecar sidecar-native; do
  [ -d "deploy/kubernetes/$overlay" ] &&
    check "manifests: $overlay renders and validates (k8s 1.29 schemas, strict)" \
      validate_overlay "deploy/kubernetes/$overlay"
done
check "manifests: keda overlay renders" kubectl kustomize deploy/kubernetes/keda
check "manifests: monitoring renders" kubectl kustomize deploy/kubernetes/monitoring
if [ -s "$WORK/live-metrics.txt" ]; then
  check "metrics: dashboard, alerts and KEDA use only exported names" \
    "$PY" tests/deploy/manifests.py check-metrics "$WORK/live-metrics.txt" \
    deploy/kubernetes/monitoring/*.json deploy/kubernetes/monitoring/*.yaml \
    deploy/kubernetes/components/keda/*.yaml
else
  bad "metrics: no live /metrics was captured from the pod"
fi

echo
log "image sizes"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep ":$TAG " | sed 's/^/  /'
finish 0
