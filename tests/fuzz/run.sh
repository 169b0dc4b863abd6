#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time: tests/fuzz/run.sh BUILD_DIR SECONDS [RUNS]
# Each target starts from its seed corpus (tests/fuzz/corpus/<name>, read only) and keeps what it
# finds in BUILD_DIR/fuzz-corpus/<name>. With RUNS, each target stops after that many executions
# instead (for long runs). Fails on the first crash, leak, timeout or sanitizer report; the
# reproducer is left in BUILD_DIR/fuzz-artifacts/.
set -euo pipefail
build=${1:?build dir}
seconds=${2:-30}
runs=${3:-}
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$build/fuzz-artifacts"
for name in http_codec json_body manifest; do
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  echo "fuzz: $name (${runs:-$seconds s})"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/${name}_fuzzer" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/${name}-" \
    "$corpus" "$here/corpus/$name" 2>"$build/fuzz-$name.log" || {
    tail -60 "$build/fuzz-$name.log"
    echo "fuzz: $name FAILED (log: $build/fuzz-$name.log)"
    exit 1
  }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz-$name.log" | sed "s/^/  /"
done
echo "fuzz: all targets passed"
