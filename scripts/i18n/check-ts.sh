#!/usr/bin/env bash
# Fails when translations/peerlink_<lang>.ts lacks a translation for any user-visible string in the sources:
# lupdate refreshes a scratch copy from the sources, and every entry there must be finished.
# Usage: check-ts.sh LUPDATE TS_FILE SOURCE...
set -euo pipefail
lupdate="$1"; ts="$2"; shift 2
scratch="$(mktemp -d)"; trap 'rm -rf "$scratch"' EXIT
cp "$ts" "$scratch/check.ts"
"$lupdate" -silent -no-obsolete -locations none "$@" -ts "$scratch/check.ts"
unfinished=$(grep -c 'type="unfinished"' "$scratch/check.ts" || true)
if [ "$unfinished" -ne 0 ]; then
    echo "$(basename "$ts"): $unfinished string(s) without a translation:"
    grep -B3 'type="unfinished"' "$scratch/check.ts" | grep '<source>' | sed 's/^ */  /'
    echo "Run: cmake --build build --target update_translations && python3 scripts/i18n/fill-ts.py"
    exit 1
fi
echo "$(basename "$ts"): every string translated"
