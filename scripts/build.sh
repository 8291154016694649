#!/usr/bin/env bash
# Configures and builds PeerLink into build/ (or $PEERLINK_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PEERLINK_BUILD_DIR:-$root/build}"
type="${PEERLINK_BUILD_TYPE:-RelWithDebInfo}"
jobs="${PEERLINK_JOBS:-2}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@"
cmake --build "$build" -j "$jobs"
