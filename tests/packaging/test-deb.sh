#!/usr/bin/env bash
# Builds the Debian package from a finished build tree, checks its metadata and contents, validates the desktop
# integration, unpacks it into a throwaway root and runs the packaged peerlink-hub and peerlink-cli there for a
# join-and-message smoke test on loopback. Usage: test-deb.sh BUILD_DIR VERSION
set -euo pipefail
build="$1"; version="$2"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

(cd "$build" && cpack -G DEB -B "$work/out" >/dev/null) || fail "cpack -G DEB"
deb="$(ls "$work"/out/peerlink_"$version"_*.deb)"
ok "built $(basename "$deb")"

# ---- Metadata ----
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = peerlink ] || fail "Package is $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version is $(field Version), the project is $version"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ "$(field Description | wc -l)" -ge 3 ] || fail "no long Description"
depends="$(field Depends)"
for dep in libqt6core6 libqt6network6 libqt6websockets6 libqt6widgets6 libqt6gui6 libqt6svg6 qt6-qpa-plugins \
    libqt6sql6-sqlite libc6; do
    grep -q "\b$dep\b" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/peerlink/hub.conf || fail "hub.conf is not a conffile"
ok "metadata: peerlink $version, depends on Debian's Qt 6 (found by dpkg-shlibdeps)"

# ---- Contents ----
contents="$(dpkg-deb -c "$deb" | awk '{print $6}')"
for f in usr/bin/peerlink usr/bin/peerlink-hub usr/bin/peerlink-cli \
         usr/share/applications/io.github.peerlink.PeerLink.desktop \
         usr/share/metainfo/io.github.peerlink.PeerLink.metainfo.xml \
         usr/share/icons/hicolor/16x16/apps/peerlink.png usr/share/icons/hicolor/48x48/apps/peerlink.png \
         usr/share/icons/hicolor/256x256/apps/peerlink.png usr/share/icons/hicolor/scalable/apps/peerlink.svg \
         usr/share/man/man1/peerlink-hub.1.gz usr/share/man/man1/peerlink-cli.1.gz usr/share/man/man1/peerlink.1.gz \
         usr/lib/systemd/system/peerlink-hub.service usr/lib/systemd/system/peerlink-hub@.service \
         etc/peerlink/hub.conf \
         usr/share/peerlink/translations/peerlink_zh_CN.qm usr/share/doc/peerlink/copyright \
         usr/share/doc/peerlink/protocol.md; do
    grep -qx "./$f" <<<"$contents" || fail "the package lacks /$f"
done
ok "contents: programs, desktop entry, metainfo, icons, man pages, service, config, translations, docs"

root="$work/root"
dpkg-deb -x "$deb" "$root"
[ "$(stat -c %a "$root/etc/peerlink/hub.conf")" = 600 ] || fail "hub.conf is readable by others"
desktop-file-validate "$root/usr/share/applications/io.github.peerlink.PeerLink.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.peerlink.PeerLink.metainfo.xml" >/dev/null \
    || fail "appstreamcli validate"
for page in peerlink peerlink-hub peerlink-cli; do
    zcat "$root/usr/share/man/man1/$page.1.gz" | grep -q "^\.TH $(tr a-z A-Z <<<"$page") 1" || fail "man page $page"
done
if command -v systemd-analyze >/dev/null; then
    systemd-analyze security --offline=yes --root="$root" --threshold=25 peerlink-hub.service >/dev/null \
        || fail "the service's sandbox is weaker than expected (systemd-analyze security)"
    # The template's instances (several hubs on one machine) keep the same sandbox.
    systemd-analyze security --offline=yes --root="$root" --threshold=25 peerlink-hub@1.service >/dev/null \
        || fail "the template unit's sandbox is weaker than expected (systemd-analyze security)"
fi
ok "desktop entry, metainfo, man pages and service unit validate"

if [ -n "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null | head -1)" ]; then
    apt-get install --simulate -q "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt cannot satisfy the dependencies"; }
    ok "apt can install it with Debian's packages"
fi

# ---- Smoke test of the packaged programs, loopback only ----
"$root/usr/bin/peerlink-hub" --version | grep -q "$version" || fail "peerlink-hub --version"
QT_QPA_PLATFORM=offscreen "$root/usr/bin/peerlink" --version | grep -q "$version" || fail "peerlink --version"
"$root/usr/bin/peerlink-hub" --config "$root/etc/peerlink/hub.conf" --bind 127.0.0.1 --port 0 >"$work/hub.log" 2>&1 &
pids+=($!)
url=""
for _ in $(seq 100); do
    url="$(grep -o 'ws://127\.0\.0\.1:[0-9]*' "$work/hub.log" | head -1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/hub.log"; fail "the packaged hub did not start"; }
mkfifo "$work/in"
"$root/usr/bin/peerlink-cli" --hub "$url" --id listener --json --listen 127.0.0.1:0 <"$work/in" >"$work/listener.log" 2>&1 &
pids+=($!)
exec 7>"$work/in"
for _ in $(seq 100); do grep -q '"event":"welcome"' "$work/listener.log" && break; sleep 0.1; done
"$root/usr/bin/peerlink-cli" --hub "$url" --id sender --send "hello from the package" --to listener \
    || fail "the packaged peerlink-cli could not send"
for _ in $(seq 100); do grep -q '"text":"hello from the package"' "$work/listener.log" && break; sleep 0.1; done
grep -q '"from":"sender"' "$work/listener.log" || { cat "$work/listener.log"; fail "the message did not arrive"; }
exec 7>&-
ok "the packaged hub and peers joined and exchanged a message over $url"
echo "1 passed, 0 failed"
