#!/usr/bin/env bash
# System packages the publishing tests use: gPodder's command-line client (`gpo`) to subscribe to
# the served feed, a CJK font so generated channel artwork shows the paper's name, DejaVu (the
# Latin font artwork falls back to without one), and systemd for `systemd-analyze verify` of the
# shipped unit files (nothing is started), and curl for the station script of docs/publishing.md.
# Idempotent: installs only what is missing. Needs root (CI runs as root) or sudo.
set -euo pipefail

packages=(gpodder fonts-wqy-microhei fonts-dejavu-core systemd curl)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-publish: all present (${packages[*]})"
    exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
echo "install-publish: installed ${missing[*]}"
