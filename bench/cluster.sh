#!/usr/bin/env bash
# Hubs clustered over Redis (issue 19): three PeerLink hubs on one Redis against three socket.io servers with
# @socket.io/redis-adapter (bench/reference/socketio-hub.js given a Redis URL) on the same kind of Redis, in one run:
#
#   bash bench/cluster.sh                  3 repetitions, both servers, about 25 minutes on 2 cores
#
# Options: --reps N, --servers peerlink,socketio, --peers N[,N...] (presence crowds, default 2000,10000), --pairs N
# (relay pairs, default 6), --duration S, --presence-timeout S (default 300), --concurrency N (peers joining at once
# at most, over all hubs; default 300), --cluster-timeout MS (PeerLink's, default: the hub's), --out DIR,
# --append FILE (also append every result line there), --no-build, --hub BIN, --loadgen BIN.
#
# For every repetition and every server kind, each workload gets a fresh cluster: a redis-server on a free loopback
# port in a temporary directory (no persistence), three hub processes on loopback ports pointing at it, then the load
# generator (bench/loadgen) spreading its peers over the three hubs:
#   xrelay      P pairs, each sender on another hub than its receiver, 256 messages in flight per pair: deliveries
#               per second and per CPU-second of every process of the cluster (3 hubs + redis-server), and what Redis
#               did per message (its CPU, INFO's network bytes and commands)
#   presence-N  one observer per hub joins first; then N peers join spread evenly over the hubs: time from the first
#               join until every observer has heard of all N (welcome entries + peer_connect), and until every
#               peer's view is complete (each knows all N + 3 - 1 others)
# The cluster (hubs and Redis) runs on CPU 1, the load generator on CPU 0. Everything binds to 127.0.0.1 and is
# stopped by this script however it ends. Results: DIR/results.jsonl (one JSON object per run), DIR/report.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps=3
servers="peerlink,socketio"
peers_list="2000,10000"
pairs=6
duration=5
warmup=1
presence_timeout=300
concurrency=300
cluster_timeout=""
out="$root/build-bench/cluster"
append=""
build_it=yes
hub_bin=""
loadgen_bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps="$2"; shift ;;
        --servers) servers="$2"; shift ;;
        --peers) peers_list="$2"; shift ;;
        --pairs) pairs="$2"; shift ;;
        --duration) duration="$2"; shift ;;
        --presence-timeout) presence_timeout="$2"; shift ;;
        --concurrency) concurrency="$2"; shift ;;
        --cluster-timeout) cluster_timeout="$2"; shift ;;
        --out) out="$2"; shift ;;
        --append) append="$2"; shift ;;
        --no-build) build_it=no ;;
        --hub) hub_bin="$2"; shift ;;
        --loadgen) loadgen_bin="$2"; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "bench/cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# --- what it needs ----------------------------------------------------------------------------------------------
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || bash "$root/scripts/install-deps.sh" redis-server
(cd "$root/bench/reference" && npm ci --no-audit --no-fund --loglevel=error)
# shellcheck source=bench/build.sh
source "$root/bench/build.sh"
targets=()
if [ "$build_it" = yes ]; then
    [ -n "$hub_bin" ] || targets+=(peerlink-hub)
    [ -n "$loadgen_bin" ] || targets+=(peerlink-loadgen)
fi
bench_build "$root" "${targets[@]}"
build="$bench_dir"
hub_bin="${hub_bin:-$build/src/hubd/peerlink-hub}"
loadgen_bin="${loadgen_bin:-$build/bench/peerlink-loadgen}"
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cpus=$(nproc)
server_cpu=$((cpus > 1 ? 1 : 0))
loadgen_cpu=0

# --- a cluster: Redis and three hubs ------------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/peerlink-clusterbench.XXXXXX)
pids=() # every process started, stopped on exit
loadgen_pid=""
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for _ in $(seq 1 30); do
        local alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    pids=()
}
trap '[ -n "$loadgen_pid" ] && kill -KILL "$loadgen_pid" 2>/dev/null; cleanup; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_listening() { # log pid -> prints the port
    local log=$1 pid=$2 port=""
    for _ in $(seq 1 150); do
        port=$(grep -m1 'listening' "$log" 2>/dev/null | grep -o '[0-9]\+$' || true)
        [ -n "$port" ] && { echo "$port"; return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench/cluster.sh: a server did not start:" >&2
    cat "$log" >&2
    return 1
}

start_cluster() { # kind -> sets redis_port redis_pid hub_ports hub_pids
    local kind=$1 dir
    dir=$(mktemp -d "$tmp/redis.XXXXXX")
    redis_port=$(free_port)
    taskset -c "$server_cpu" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$dir" --logfile "$dir/redis.log" --daemonize no >/dev/null 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    local ok=no
    for _ in $(seq 1 100); do
        [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && { ok=yes; break; }
        sleep 0.05
    done
    [ "$ok" = yes ] || { echo "bench/cluster.sh: redis-server did not start" >&2; cat "$dir/redis.log" >&2; return 1; }
    local url="redis://127.0.0.1:$redis_port" h log pid
    hub_ports=()
    hub_pids=()
    for h in 0 1 2; do
        log="$dir/hub$h.log"
        case "$kind" in
            peerlink)
                local extra=()
                [ -n "$cluster_timeout" ] && extra=(--cluster-timeout "$cluster_timeout")
                taskset -c "$server_cpu" "$hub_bin" --config "$root/bench/peerlink-hub.bench.conf" --port 0 \
                    --redis "$url" "${extra[@]}" >"$log" 2>&1 &
                ;;
            socketio)
                taskset -c "$server_cpu" node "$root/bench/reference/socketio-hub.js" 0 "$url" >"$log" 2>&1 & ;;
            *) echo "bench/cluster.sh: unknown server $kind" >&2; exit 2 ;;
        esac
        pid=$!
        pids+=("$pid")
        hub_pids+=("$pid")
        hub_ports+=("$(wait_listening "$log" "$pid")")
    done
    if [ "$kind" = peerlink ]; then
        # Joins wait for the cluster: ready when all three hubs list themselves alive in Redis.
        for _ in $(seq 1 100); do
            [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" scard peerlink:hubs 2>/dev/null || echo 0)" = 3 ] && break
            sleep 0.05
        done
    fi
    sleep 0.3
}

run_one() { # name kind rep -- loadgen args
    local name=$1 kind=$2 rep=$3
    shift 4
    local protocol=peerlink
    [ "$kind" = socketio ] && protocol=socketio
    start_cluster "$kind"
    local ports pidlist line p
    # The CPU counted must be the servers' own (not a wrapper's): every pid is a hub or redis-server.
    for p in "${hub_pids[@]}" "$redis_pid"; do
        case "$(cat "/proc/$p/comm" 2>/dev/null)" in
            peerlink-hub|node|redis-server) ;;
            *) echo "bench/cluster.sh: pid $p is $(cat "/proc/$p/comm" 2>/dev/null), not a server" >&2; exit 1 ;;
        esac
    done
    ports=$(IFS=,; echo "${hub_ports[*]}")
    pidlist=$(IFS=,; echo "${hub_pids[*]},$redis_pid")
    taskset -c "$loadgen_cpu" "$loadgen_bin" --protocol "$protocol" --port "$ports" --server-pid "$pidlist" \
        --redis-port "$redis_port" --redis-pid "$redis_pid" "$@" >"$tmp/line" 2>"$tmp/loadgen.err" &
    loadgen_pid=$!
    wait "$loadgen_pid" || true
    loadgen_pid=""
    line=$(head -n1 "$tmp/line")
    cleanup
    [ -n "$line" ] || line='{"failed":"the load generator printed nothing"}'
    line=$(printf '{"name":"%s","server":"%s","rep":%d,"run":"%s","date":"%s",%s' "$name" "cluster-$kind" "$rep" \
        "$run_id" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${line#\{}")
    echo "$line" >>"$out/results.jsonl"
    [ -n "$append" ] && echo "$line" >>"$append"
    printf '  %-15s %-16s rep %d  %s\n' "$name" "cluster-$kind" "$rep" \
        "$(python3 "$root/bench/cluster_report.py" --brief <<<"$line")"
}

mkdir -p "$out"
run_id=$(date -u +%Y-%m-%dT%H:%M:%SZ)
: >"$out/results.jsonl"
IFS=, read -r -a server_list <<<"$servers"
IFS=, read -r -a crowds <<<"$peers_list"
echo "bench/cluster.sh: $reps repetitions, servers ${server_list[*]}; 3 hubs + redis-server on CPU $server_cpu, load generator on CPU $loadgen_cpu"
for rep in $(seq 1 "$reps"); do
    for kind in "${server_list[@]}"; do
        run_one xrelay "$kind" "$rep" -- --workload relay --pairs "$pairs" --window 256 --warmup "$warmup" \
            --duration "$duration" --timeout 60
    done
    for n in "${crowds[@]}"; do
        for kind in "${server_list[@]}"; do
            run_one "presence-$n" "$kind" "$rep" -- --workload presence --peers "$n" --concurrency "$concurrency" \
                --all-views --timeout "$presence_timeout"
        done
    done
done
python3 "$root/bench/cluster_report.py" "$out/results.jsonl" --markdown "$out/report.md"
echo "bench/cluster.sh: results in $out/results.jsonl and $out/report.md"
