#!/usr/bin/env bash
# Collects a minimal root filesystem for a `FROM scratch` image: the given executables in
# /usr/local/bin, exactly the shared libraries they load (ldd) and the dynamic loader, an
# /etc/passwd and /etc/group naming uid/gid 100000 (Racetrack's job user; any other uid works
# too), and a world-writable sticky /tmp. Used by the Dockerfile's build stage.
#   scripts/image-rootfs.sh DEST EXECUTABLE...
set -euo pipefail
dest="$1"
shift
mkdir -p "$dest/usr/local/bin" "$dest/etc" "$dest/tmp" "$dest/run/racetrack"
chmod 1777 "$dest/tmp"
# The worker socket directory of a two-container pod, for a runtime that does not mount one.
chmod 1777 "$dest/run/racetrack"
for exe in "$@"; do
  cp "$exe" "$dest/usr/local/bin/"
  # "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
  ldd "$exe" | awk '/=> \//{print $3} /^\t\//{print $1}' | while read -r lib; do
    cp -L --parents -n "$lib" "$dest/"
  done
done
printf 'root:x:0:0:root:/root:/sbin/nologin\njob:x:100000:100000:job:/tmp:/sbin/nologin\n' >"$dest/etc/passwd"
printf 'root:x:0:\njob:x:100000:\n' >"$dest/etc/group"
