#!/usr/bin/env bash
# Install Debian packages the tests use (chromium for the viewer's browser tests, tshark for DIS),
# only when they are missing and only if we may (root, apt-get present). Never fails the build:
# tests that need a missing tool say so and skip.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${need[*]} missing and cannot be installed here (need root and apt-get); those tests will skip" >&2
  exit 0
fi
echo "installing ${need[*]} from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || \
  echo "note: apt-get install ${need[*]} failed; those tests will skip" >&2
exit 0
