#!/usr/bin/env bash
# Installs everything the build, the tests and the benchmarks need on Debian 12.
# Idempotent: packages already present are left alone. Used by README, .ci/run and the Dockerfile.
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --runtime  only the shared libraries the gateway and workers need at run time
#   scripts/install-deps.sh --no-browser   build + test dependencies without Chromium (image builds)
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libuv1-dev node-llhttp libsimdjson-dev prometheus-cpp-dev libspdlog-dev libyaml-cpp-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  nlohmann-json3-dev libgtest-dev libgmock-dev
  python3 python3-venv python3-dev pybind11-dev curl procps wrk util-linux clang-format
  clang libclang-rt-14-dev
)
browser_packages=(chromium)  # the headless browser test of /docs
runtime_packages=(
  libuv1 libsimdjson14 libprometheus-cpp-core1.0 libspdlog1.10 libyaml-cpp0.7
  libgrpc++1.51 libprotobuf32 ca-certificates
)

# The Swagger UI assets the gateway embeds (the CMake configure step runs this too).
fetch_swagger_ui() {
  [ "${1:-}" = "--runtime" ] && return 0
  local script
  script="$(dirname "$0")/fetch-swagger-ui.sh"
  [ -f "$script" ] && bash "$script"
  return 0
}

case "${1:-}" in
  --runtime) packages=("${runtime_packages[@]}") ;;
  --no-browser) packages=("${build_packages[@]}") ;;
  *) packages=("${build_packages[@]}" "${browser_packages[@]}") ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${1:-}" != "--runtime" ] && ! command -v npm >/dev/null; then
  missing+=(npm)  # for swagger-ui-dist and the browser test; a Node.js from elsewhere has its own
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  fetch_swagger_ui "${1:-}"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_swagger_ui "${1:-}"
