#!/usr/bin/env bash
# From outside the hub: every byte peerlink-hub writes to any socket or file is traced (strace), while two peers
# with identities exchange a message end to end and a third peer without one sends a plain message. The plain
# message must be in the trace (the trace sees what it should), the end-to-end one must not, while its receiver
# prints it. Loopback only; everything stops by itself. Usage: hub-sees-no-plaintext.sh HUB CLI
set -euo pipefail
hub="$1"; cli="$2"
# shellcheck source=traced-hub.sh
source "$(dirname "${BASH_SOURCE[0]}")/traced-hub.sh"

secret="e2e-secret-$RANDOM-$RANDOM-$$"
plain="plain-visible-$RANDOM-$RANDOM-$$"
start_traced_hub

# Bob stays joined (his standard input stays open) and prints what arrives as JSON.
mkfifo "$work/bob.in"
exec 3<>"$work/bob.in"
"$cli" --hub "$url" --id bob --identity "$work/bob.key" --no-listen --json <"$work/bob.in" >"$work/bob.out" 2>&1 &
pids+=($!)
wait_for "$work/bob.out" '"event":"welcome"' 20 || fail "bob did not join: $(cat "$work/bob.out")"

"$cli" --hub "$url" --id alice --identity "$work/alice.key" --no-listen --send "$secret" --to bob \
    >"$work/alice.out" 2>&1 || fail "alice could not send: $(cat "$work/alice.out")"
"$cli" --hub "$url" --id carol --no-listen --send "$plain" --to bob >"$work/carol.out" 2>&1 \
    || fail "carol could not send: $(cat "$work/carol.out")"
wait_for "$work/bob.out" "$secret" 20 || fail "bob did not get the end-to-end message: $(cat "$work/bob.out")"
wait_for "$work/bob.out" "$plain" 20 || fail "bob did not get the plain message"
grep "$secret" "$work/bob.out" | grep -q '"e2e":true' || fail "the message did not arrive end-to-end encrypted"

exec 3>&-
# Stop the hub itself (strace's child): strace then writes the rest of the trace and exits with it.
hub_pid="$(pgrep -P "${pids[0]}" || true)"
[ -n "$hub_pid" ] || fail "the hub under strace is gone"
kill "$hub_pid"
wait "${pids[0]}" 2>/dev/null || true
hex() { printf '%s' "$1" | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//; s/ /\\x/g; s/^/\\x/'; }
[ -s "$work/trace" ] || fail "nothing was traced"
grep -qF "$(hex "$plain")" "$work/trace" || fail "the trace does not show the plain message: the check would prove nothing"
if grep -qF "$(hex "$secret")" "$work/trace"; then
    fail "the hub wrote the end-to-end message's plaintext"
fi
echo "ok: the hub wrote $(grep -c . "$work/trace") traced calls; the plain message is among them, the end-to-end one is not"
