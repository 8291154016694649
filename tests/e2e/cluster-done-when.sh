#!/usr/bin/env bash
# Issue 19's done-when check, from outside, with the real programs: a redis-server on a loopback port (its files in
# a temporary folder), two `peerlink-hub --redis redis://127.0.0.1:PORT` processes, a `peerlink-cli` on each: each
# sees the other (welcome or peer_connect) and `/to` between them is delivered; `curl` on the metrics address gives
# peerlink_ metrics in Prometheus' text format. Then hub 1 is killed with SIGKILL: the peer on hub 2 hears that the
# peer C, which knows only hub 1, left within the bound (4/3 of --cluster-timeout), while A, given hub 2 after hub 1,
# fails over and resumes its session there (B hears nothing of A leaving) and is delivered to. Loopback only; everything stops by itself. Usage: cluster-done-when.sh HUB CLI
set -euo pipefail
hub="$1"; cli="$2"
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log "$work"/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }
# Waits (at most $3 seconds, polling) until file $1 has a line matching $2.
wait_for() { for _ in $(seq 1 $(( $3 * 20 ))); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
command -v redis-server >/dev/null || fail "redis-server is not installed (scripts/install-deps.sh installs it)"
command -v curl >/dev/null || fail "curl is not installed (scripts/install-deps.sh installs it)"

# Redis on a free loopback port: tried on a few random ports (one another program took is refused at once).
redis_port=""
for _ in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + RANDOM % 30000 ))
    redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no \
        >"$work/redis.log" 2>&1 &
    rpid=$!
    if wait_for "$work/redis.log" "Ready to accept connections" 5; then
        redis_port="$port"; pids+=("$rpid"); break
    fi
    kill -9 "$rpid" 2>/dev/null || true
done
[ -n "$redis_port" ] || fail "redis-server did not start"

timeout_ms=1500
start_hub() { # $1: name
    "$hub" --bind 127.0.0.1 --port 0 --redis "redis://127.0.0.1:$redis_port" --cluster-timeout "$timeout_ms" \
        --metrics 127.0.0.1:0 >"$work/$1.log" 2>&1 &
    pids+=($!)
    eval "${1}_pid=$!"
    wait_for "$work/$1.log" "listening on ws://" 20 || fail "hub $1 did not start"
    wait_for "$work/$1.log" "metrics at http://" 20 || fail "hub $1 has no metrics address"
    eval "${1}_url=$(grep -o 'ws://[0-9.:]*' "$work/$1.log" | head -1)"
    eval "${1}_metrics=$(grep -o 'http://[0-9.:]*/metrics' "$work/$1.log" | head -1)"
}
start_hub h1
start_hub h2
# Both in sync with the cluster (a join before that is refused with cluster_unavailable).
for h in h1 h2; do
    m="${h}_metrics"
    up=""
    for _ in $(seq 1 200); do
        scraped="$(curl -fsS "${!m}" 2>/dev/null || true)"
        if grep -q '^peerlink_cluster_up 1$' <<<"$scraped"; then up=1; break; fi
        sleep 0.05
    done
    [ -n "$up" ] || fail "hub $h is not in the cluster"
done

# A peer on each hub, each staying joined (standard input a fifo kept open) and printing events as JSON. A is given
# both hubs, hub 1 first: it fails over to hub 2 when hub 1 dies.
mkfifo "$work/A.in" "$work/B.in" "$work/C.in"
exec 3<>"$work/A.in" 4<>"$work/B.in" 5<>"$work/C.in"
"$cli" --hub "$h1_url" --hub "$h2_url" --id A --no-listen --json <"$work/A.in" >"$work/A.out" 2>&1 &
pids+=($!)
wait_for "$work/A.out" '"event":"welcome"' 20 || fail "A did not join hub 1"
"$cli" --hub "$h2_url" --id B --no-listen --json <"$work/B.in" >"$work/B.out" 2>&1 &
pids+=($!)
wait_for "$work/B.out" '"event":"welcome"' 20 || fail "B did not join hub 2"
grep '"event":"welcome"' "$work/B.out" | grep -q '"A"' || fail "B's welcome does not list A: $(grep welcome "$work/B.out")"
wait_for "$work/A.out" '"event":"peer_connect".*"id":"B"' 20 || fail "A did not hear B join"
"$cli" --hub "$h1_url" --id C --no-listen --json <"$work/C.in" >"$work/C.out" 2>&1 &
pids+=($!)
wait_for "$work/C.out" '"event":"welcome"' 20 || fail "C did not join hub 1"
wait_for "$work/B.out" '"event":"peer_connect".*"id":"C"' 20 || fail "B did not hear C join"

word="across-hubs-$RANDOM-$$"
echo "/to B $word" >&3
wait_for "$work/B.out" "\"event\":\"message\".*$word" 20 || fail "B did not get A's message"
grep "$word" "$work/B.out" | grep -q '"from":"A"' || fail "the message is not from A"
echo "/to A re-$word" >&4
wait_for "$work/A.out" "\"event\":\"message\".*re-$word" 20 || fail "A did not get B's answer"

# The metrics, in Prometheus' text format: every sample line is NAME[{LABELS}] VALUE, every metric typed.
curl -fsS "$h1_metrics" >"$work/metrics.txt" || fail "curl on $h1_metrics failed"
grep -q '^# TYPE peerlink_peers gauge$' "$work/metrics.txt" || fail "no peerlink_peers gauge"
grep -q '^peerlink_cluster_remote_peers 1$' "$work/metrics.txt" || fail "hub 1 does not count B: $(grep cluster "$work/metrics.txt")"
grep -q '^peerlink_messages_routed_total [1-9]' "$work/metrics.txt" || fail "hub 1 routed nothing"
bad="$(grep -v '^#' "$work/metrics.txt" | grep -Ev '^peerlink_[a-z_]+(\{[a-z_]+="[^"]*"\})? -?[0-9.e+]+$' || true)"
[ -z "$bad" ] || fail "lines not in the text format: $bad"

# Hub 1 dies: B hears C left within the bound; A fails over to hub 2 and resumes there (B is not told A left).
start=$(date +%s%N)
kill -9 "$h1_pid"
wait_for "$work/B.out" '"event":"peer_disconnect".*"id":"C"' 10 || fail "B did not hear C leave after hub 1 died"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
bound_ms=$(( timeout_ms * 4 / 3 + 2000 ))
[ "$elapsed_ms" -le "$bound_ms" ] || fail "C was announced gone after $elapsed_ms ms (bound $bound_ms ms)"
wait_for "$work/A.out" '"event":"hub_changed"' 20 || fail "A did not move to hub 2"
for _ in $(seq 1 400); do
    [ "$(grep -c '"event":"welcome"' "$work/A.out")" -ge 2 ] && break
    sleep 0.05
done
[ "$(grep -c '"event":"welcome"' "$work/A.out")" -ge 2 ] || fail "A did not join hub 2 after hub 1 died"
echo "/to A after-$word" >&4
wait_for "$work/A.out" "\"event\":\"message\".*after-$word" 20 || fail "A on hub 2 did not get B's message"
if grep -q '"event":"peer_disconnect".*"id":"A"' "$work/B.out"; then
    fail "B was told A left, though A resumed on hub 2"
fi
echo "ok: A and B on two hubs saw each other and exchanged messages; metrics scraped; hub 1 killed: C announced gone after ${elapsed_ms} ms (bound ${bound_ms} ms), A resumed on hub 2 unnoticed and got its message"
