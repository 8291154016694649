#!/usr/bin/env bash
# Builds the Debian package: installs what is needed, builds in Release into build-package/, runs CPack.
# Prints the path of the .deb. Install it with: sudo apt install ./build-package/peerlink_*.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PEERLINK_PACKAGE_DIR:-$root/build-package}"

"$root/scripts/install-deps.sh"
PEERLINK_BUILD_DIR="$build" PEERLINK_BUILD_TYPE=Release "$root/scripts/build.sh" -DPEERLINK_BUILD_TESTS=OFF >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/peerlink_*.deb
