#!/usr/bin/env bash
# Installs the socket.io tests' npm packages (and the example's) into the build folder, exactly as the lock files
# pin them: npm ci SRC/package-lock.json -> DEST/node_modules, for each SRC DEST pair. Run by CTest as the fixture
# test socketio_npm_ci. Skips a pair whose DEST already holds that very lock file's install. Fails loudly (exit 1)
# when node or npm is missing or the registry cannot be reached: the socket.io tests then do not run, and say why.
set -euo pipefail
[ $# -ge 2 ] && [ $(($# % 2)) -eq 0 ] || { echo "usage: npm-ci.sh SRC DEST [SRC DEST...]" >&2; exit 2; }
for tool in node npm; do
    command -v "$tool" >/dev/null || {
        echo "socketio tests: $tool is missing; scripts/install-deps.sh installs nodejs and npm from Debian" >&2
        exit 1
    }
done
while [ $# -gt 0 ]; do
    src=$1 dest=$2
    shift 2
    mkdir -p "$dest"
    if cmp -s "$src/package-lock.json" "$dest/package-lock.json" && [ -f "$dest/node_modules/.package-lock.json" ]; then
        echo "socketio tests: $dest/node_modules is up to date with $src/package-lock.json"
        continue
    fi
    cp "$src/package.json" "$src/package-lock.json" "$dest/"
    rm -f "$dest/node_modules/.package-lock.json"
    echo "socketio tests: npm ci in $dest (from $src/package-lock.json)"
    if ! (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=30000); then
        rm -f "$dest/package-lock.json"
        echo "socketio tests: npm ci failed in $dest: is the npm registry reachable (or its packages in npm's cache)?" >&2
        exit 1
    fi
done
