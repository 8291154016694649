#!/usr/bin/env bash
# Issue 17's done-when check, from outside: three peerlink-cli peers A, B, C with identities on one hub; A and B
# "/join #team", A sends "/to #team hello-room…": B prints it, C prints nothing of it (C gets a broadcast A sends after
# it, so C would have had it by then), and the hub, traced with strace, never writes the room message's plain text to
# any socket or file (the plain broadcast is in the trace, so the trace sees what it should). Loopback only; everything
# stops by itself. Usage: room-done-when.sh HUB CLI
set -euo pipefail
hub="$1"; cli="$2"
# shellcheck source=traced-hub.sh
source "$(dirname "${BASH_SOURCE[0]}")/traced-hub.sh"

secret="hello-room-$RANDOM-$RANDOM-$$"
after="after-room-$RANDOM-$RANDOM-$$"
start_traced_hub

# Each peer stays joined (its standard input, a fifo, stays open) and prints what happens as JSON.
fd=3
for p in A B C; do
    mkfifo "$work/$p.in"
    eval "exec $fd<>\"$work/$p.in\""
    "$cli" --hub "$url" --id "$p" --identity "$work/$p.key" --no-listen --json <"$work/$p.in" >"$work/$p.out" 2>&1 &
    pids+=($!)
    fd=$((fd + 1))
done
for p in A B C; do
    wait_for "$work/$p.out" '"event":"welcome"' 20 || fail "$p did not join: $(cat "$work/$p.out")"
done
# Everyone has seen everyone (their keys), so that sender keys can be sealed to them.
wait_for "$work/A.out" '"id":"C"' 20 || fail "A did not see C"

echo "/join #team" >"$work/A.in"
wait_for "$work/A.out" '"event":"room_join".*"peer":"A"' 20 || fail "A did not get into #team: $(cat "$work/A.out")"
echo "/join #team" >"$work/B.in"
wait_for "$work/B.out" '"event":"room_join".*"peer":"B"' 20 || fail "B did not get into #team: $(cat "$work/B.out")"
wait_for "$work/A.out" '"event":"room_join".*"peer":"B"' 20 || fail "A did not see B join #team"

echo "/to #team $secret" >"$work/A.in"
wait_for "$work/B.out" "\"event\":\"room_message\".*$secret" 20 || fail "B did not print the room message: $(cat "$work/B.out")"
grep "$secret" "$work/B.out" | grep -q '"from":"A"' || fail "the room message is not from A"
echo "$after" >"$work/A.in"
wait_for "$work/C.out" "$after" 20 || fail "C did not get the broadcast sent after the room message"
if grep -q "$secret" "$work/C.out"; then
    fail "C printed the room message: $(grep "$secret" "$work/C.out")"
fi

for p in A B C; do echo "/quit" >"$work/$p.in"; done
# Stop the hub itself (strace's child): strace then writes the rest of the trace and exits with it.
hub_pid="$(pgrep -P "${pids[0]}" || true)"
[ -n "$hub_pid" ] || fail "the hub under strace is gone"
kill "$hub_pid"
wait "${pids[0]}" 2>/dev/null || true
hex() { printf '%s' "$1" | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//; s/ /\\x/g; s/^/\\x/'; }
[ -s "$work/trace" ] || fail "nothing was traced"
grep -qF "$(hex "$after")" "$work/trace" || fail "the trace does not show the plain broadcast: the check would prove nothing"
if grep -qF "$(hex "$secret")" "$work/trace"; then
    fail "the hub wrote the room message's plaintext"
fi
echo "ok: B printed the room message, C did not; the hub's $(grep -c . "$work/trace") traced writes hold the plain broadcast but not the room message"
