#!/usr/bin/env bash
# What the browser tests need, installed only when missing, and never a browser build from Playwright:
#   - Debian's Chromium at /usr/bin/chromium (apt-get; needs root);
#   - axe-core, pinned exactly in package.json and package-lock.json, from npm into tests/browser/node_modules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing $*: run as root, or install it yourself: apt-get update && apt-get install -y $*" >&2
        exit 1
    fi
    echo "Installing $* from Debian..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "$@"
}

if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
fi

# The version package.json pins, and the version installed (empty when none is).
pinned="$(sed -n 's/.*"axe-core": *"\([^"]*\)".*/\1/p' "$here/package.json" | head -n 1)"
installed=""
if [ -f "$here/node_modules/axe-core/package.json" ] && [ -f "$here/node_modules/axe-core/axe.min.js" ]; then
    installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$here/node_modules/axe-core/package.json" | head -n 1)"
fi
if [ "$installed" != "$pinned" ]; then
    command -v npm >/dev/null || apt_install npm
    echo "Installing axe-core $pinned from npm..."
    npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
fi
