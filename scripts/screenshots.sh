#!/usr/bin/env bash
# Starts the desktop app hosting a hub on loopback, lets a few headless peers join and chat, and saves PNG
# screenshots of the main window and the hub panel, light and dark, into docs/screenshots/{en,zh_CN}/ (offscreen,
# no display needed).
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
    local lang="$1" palette="$2" dir="$out/$1" port config shots suffix=""
    [ "$palette" = dark ] && suffix="-dark"
    port="$(free_port)"
    config="$(mktemp -d)"
    shots="$config/shots"
    mkdir -p "$config/PeerLink" "$dir"
    printf '[ui]\nlanguage=%s\n[hosting]\nbind=127.0.0.1\nname=%s\n' "$lang" "Team hub" > "$config/PeerLink/PeerLink.conf"
    # The screenshots are taken once the three peers are online (their messages came before the last one joined).
    HOME="$config" XDG_CONFIG_HOME="$config" XDG_DATA_HOME="$config/data" PEERLINK_DIRECT_BIND=127.0.0.1 \
        QT_QPA_PLATFORM=offscreen "$app" --host --port "$port" --id alice --name "Alice" --palette "$palette" \
        --screenshots "$shots" --screenshot-peers 3 --screenshot-delay 300 \
        --screenshot-message "$([ "$lang" = zh_CN ] && echo '大家好！发布说明已经写好了。' || echo 'Hi all! The release notes are ready.')" \
        2>/dev/null &
    local app_pid=$!
    local hub="ws://127.0.0.1:$port"
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    { sleep 0.5; echo "Good morning, everyone!"; sleep 0.2; echo "Is the build green? 构建通过了吗？"; sleep 6; } \
        | "$cli" --hub "$hub" --id bob --name "小明" >/dev/null 2>&1 &
    { sleep 0.9; echo "Morning! 早上好 ☕"; sleep 6; } | "$cli" --hub "$hub" --id carol --name "Carol Lee" >/dev/null 2>&1 &
    { sleep 1.8; "$cli" --hub "$hub" --id dave --name "Dave" < <(sleep 6) >/dev/null 2>&1; } &
    wait "$app_pid"
    mv "$shots/mainwindow.png" "$dir/mainwindow$suffix.png"
    mv "$shots/hubpanel.png" "$dir/hubpanel$suffix.png"
    wait
    rm -rf "$config"
    echo "screenshots: $dir/mainwindow$suffix.png $dir/hubpanel$suffix.png"
}

for lang in en zh_CN; do
    for palette in light dark; do
        shoot "$lang" "$palette"
    done
done
