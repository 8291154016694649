#!/usr/bin/env bash
# Starts the desktop app hosting a hub on loopback, lets a few headless peers join and chat, and saves PNG
# screenshots of the main window and the hub panel into docs/screenshots/{en,zh_CN}/ (offscreen, no display needed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PEERLINK_BUILD_DIR:-$root/build}"
out="${1:-$root/docs/screenshots}"

"$root/scripts/install-deps.sh" fonts-wqy-microhei   # a CJK font, so Chinese names and the Chinese UI render
"$root/scripts/build.sh" >/dev/null

app="$build/src/app/peerlink"
cli="$build/src/cli/peerlink-cli"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

shoot() {
    local lang="$1" dir="$out/$1" port config
    port="$(free_port)"
    config="$(mktemp -d)"
    mkdir -p "$config/PeerLink" "$dir"
    printf '[ui]\nlanguage=%s\n[hosting]\nbind=127.0.0.1\nname=%s\n' "$lang" "Team hub" > "$config/PeerLink/PeerLink.conf"
    XDG_CONFIG_HOME="$config" QT_QPA_PLATFORM=offscreen "$app" --host --port "$port" --id alice --name "Alice" \
        --screenshots "$dir" --screenshot-delay 4000 2>/dev/null &
    local app_pid=$!
    local hub="ws://127.0.0.1:$port"
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    { sleep 0.3; echo "Good morning, everyone!"; sleep 0.3; echo "/to alice Alice, is the build green?"; sleep 4; } \
        | "$cli" --hub "$hub" --id bob --name "小明" >/dev/null 2>&1 &
    { sleep 0.6; echo "Morning! 早上好"; sleep 4; } | "$cli" --hub "$hub" --id carol --name "Carol" >/dev/null 2>&1 &
    { sleep 5; } | "$cli" --hub "$hub" --id dave >/dev/null 2>&1 &
    wait "$app_pid"
    wait
    rm -rf "$config"
    echo "screenshots: $dir/mainwindow.png $dir/hubpanel.png"
}

shoot en
shoot zh_CN
