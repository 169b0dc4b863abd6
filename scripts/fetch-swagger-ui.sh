#!/usr/bin/env bash
# Fetches the pinned swagger-ui-dist npm package into third_party/swagger-ui-dist/ (git-ignored).
# The gateway embeds a few of its files so that /docs works air-gapped, never from a CDN.
# Idempotent and offline-safe: does nothing when the pinned version is already there.
#   scripts/fetch-swagger-ui.sh [DEST]
set -euo pipefail

version=5.17.14
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/third_party/swagger-ui-dist}"

if [ -f "$dest/package.json" ] && grep -q "\"version\": \"$version\"" "$dest/package.json"; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-swagger-ui: npm is required" >&2; exit 1; }
echo "fetch-swagger-ui: fetching swagger-ui-dist@$version"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "swagger-ui-dist@$version" >/dev/null)
tar -xzf "$tmp"/swagger-ui-dist-"$version".tgz -C "$tmp"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp/package" "$dest"
