#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: installs dependencies, builds, runs every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PEERLINK_BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$build" --output-on-failure -j "${PEERLINK_JOBS:-2}" --timeout 300 "$@"
