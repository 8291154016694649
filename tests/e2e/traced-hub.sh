# Sourced by the end-to-end scripts that trace peerlink-hub from outside (hub-sees-no-plaintext.sh,
# room-done-when.sh): a work folder and the processes started, both cleaned up however the script ends; fail and
# wait_for; start_traced_hub runs "$hub" under strace (every write, writev, sendto, sendmsg and pwrite64 with its
# bytes, into $work/trace) on 127.0.0.1 and sets url to the hub's ws:// address.
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        pkill -P "$p" 2>/dev/null || true # the hub under strace
        kill "$p" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Waits (at most $3 seconds, polling) until file $1 has a line matching $2.
wait_for() { for _ in $(seq 1 $(( $3 * 20 ))); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

start_traced_hub() {
    strace -f -qq -e trace=write,writev,sendto,sendmsg,pwrite64 -e signal=none -s 1000000 -xx -o "$work/trace" \
        "$hub" --bind 127.0.0.1 --port 0 --data-dir "$work/data" >"$work/hub.log" 2>&1 &
    pids+=($!)
    wait_for "$work/hub.log" "listening on ws://" 20 || fail "the hub did not start: $(cat "$work/hub.log")"
    url="$(grep -o 'ws://[0-9.:]*' "$work/hub.log" | head -1)"
}
