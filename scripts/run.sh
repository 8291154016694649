#!/usr/bin/env bash
# Builds PeerLink and runs the main job: the desktop app hosting a hub. Where there is no display it runs the
# same hub headless (peerlink-hub) instead. Extra arguments go to the program.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PEERLINK_BUILD_DIR:-$root/build}"
port="${PEERLINK_PORT:-9000}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null

app="$build/src/app/peerlink"
if [ -x "$app" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
    exec "$app" --host --port "$port" "$@"
fi
echo "run: no display here; running the hub headless. Join it with:"
echo "  $build/src/cli/peerlink-cli --hub ws://127.0.0.1:$port --id YOUR_ID"
exec "$build/src/hubd/peerlink-hub" --port "$port" "$@"
