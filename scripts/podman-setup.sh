#!/usr/bin/env bash
# Prepares podman/buildah on a Debian 12 machine for building and running the project's images,
# as root, without any image registry:
#   - installs podman, buildah, runc, catatonit, debootstrap (idempotent);
#   - writes a storage.conf and containers.conf under $PODMAN_HOME (default /var/tmp/racetrack-podman)
#     with the two settings such machines need: explicit ulimits within the hard limits (podman's
#     defaults exceed them without CAP_SYS_RESOURCE) and runc (crun rejects a hybrid cgroup v1/v2
#     layout);
#   - makes debian:bookworm-slim available locally: pulled when RACETRACK_PULL_BASE=1 and a
#     registry answers, otherwise built with debootstrap from the configured Debian mirror and
#     imported. The host's extra CA
#     certificates are copied into a locally built base, so that pip/npm work behind a
#     TLS-intercepting proxy during image builds.
# Print the environment to use:  eval "$(scripts/podman-setup.sh --env)"
#   scripts/podman-setup.sh [--env]
set -euo pipefail

home="${PODMAN_HOME:-/var/tmp/racetrack-podman}"
base_tag="docker.io/library/debian:bookworm-slim"

env_lines() {
  echo "export CONTAINERS_STORAGE_CONF=$home/conf/storage.conf"
  echo "export CONTAINERS_CONF=$home/conf/containers.conf"
}

install_packages() {
  local missing=() p
  for p in podman buildah runc catatonit debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "podman-setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

write_config() {
  mkdir -p "$home/conf" "$home/run" "$home/storage" "$home/libpod-tmp"
  local nofile
  nofile="$(ulimit -Hn)"
  [ "$nofile" = unlimited ] && nofile=1048576
  [ "$nofile" -gt 65536 ] && nofile=65536
  cat >"$home/conf/storage.conf" <<CONF
[storage]
driver = "overlay"
runroot = "$home/run"
graphroot = "$home/storage"
CONF
  cat >"$home/conf/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$home/libpod-tmp"
CONF
}

build_base_locally() {
  local rootfs="$home/rootfs" mirror sources
  sources=$(ls /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 || true)
  mirror=""
  [ -n "$sources" ] && mirror=$(awk '/^URIs:/{print $2; exit}' "$sources")
  [ -z "$mirror" ] && mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -z "$mirror" ] && mirror="http://deb.debian.org/debian"
  echo "podman-setup: building the Debian base with debootstrap from $mirror" >&2
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$home/debootstrap.log" 2>&1 ||
    { tail -20 "$home/debootstrap.log" >&2; return 1; }
  # What bookworm-slim leaves out: docs, man pages, locales, apt caches.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/*
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CONF
  # The host's extra CAs (a TLS-intercepting proxy), for pip/npm inside build steps.
  mkdir -p "$rootfs/usr/local/share/ca-certificates" "$rootfs/etc/ssl/certs"
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$base_tag" >/dev/null
  rm -rf "$rootfs"
}

if [ "${1:-}" = "--env" ]; then
  env_lines
  exit 0
fi

install_packages
write_config
eval "$(env_lines)"
if podman image exists "$base_tag"; then
  echo "podman-setup: $base_tag present" >&2
elif [ "${RACETRACK_PULL_BASE:-0}" = 1 ] && timeout 120 podman pull -q "$base_tag" >/dev/null 2>&1; then
  echo "podman-setup: pulled $base_tag" >&2
else
  build_base_locally
fi
env_lines
