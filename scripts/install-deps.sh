#!/usr/bin/env bash
# Installs what PeerLink needs to build, test and run on Debian 12 (bookworm). Safe to run again.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-svg-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
    libgl-dev libxkbcommon-dev libssl3
    libsodium-dev libqt6sql6-sqlite strace procps libhiredis-dev redis-server curl
    libqrencode-dev libzxing-dev libhttp-parser-dev qtkeychain-qt6-dev libavahi-client-dev xvfb xdotool
    dpkg-dev desktop-file-utils appstream
    "$@"
)
# Node.js and npm for the socket.io tests (tests/socketio), from Debian where the machine has no node of its own.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
