#!/usr/bin/env bash
# Benchmarks PeerLink's hub side by side with the Node.js servers a user would otherwise run (socket.io, ws) and
# with a minimal C relay (the floor: what this machine can do at all). One command does everything:
#
#   bash bench/run.sh            quick mode: a few minutes
#   bash bench/run.sh --full     every workload at full size (10 000 peers), about 40 minutes on 2 cores
#
# Options: --reps N (--big-reps N for the 10 000-peer workloads), --servers peerlink,peerlink-sio,ws,socketio,floor,
# --only WORKLOAD[,WORKLOAD...], --out DIR; --hub BIN and --loadgen BIN take those binaries instead of building them
# (--no-build builds nothing: everything comes from build-bench/ as it is).
# Servers: peerlink (PeerLink's hub, its own protocol), peerlink-sio (the same hub driven over its socket.io endpoint,
# Engine.IO 4 over WebSocket, exactly as socket.io's own server is), ws, socketio (socket.io's own server), floor.
# It installs what it needs (Debian packages, the reference servers' npm packages at pinned versions into
# bench/reference/node_modules), builds in Release into build-bench/, runs every workload against every server with
# the hub on one core and the load generator on the other, and prints one table of medians and ratios.
# Results: DIR/results.jsonl (one JSON object per run) and DIR/report.md. Loopback only; everything stops by itself.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=quick
reps=""
big_reps=""
servers="peerlink,peerlink-sio,ws,socketio,floor"
only=""
out="$root/build-bench/results"
hub_bin=""
loadgen_bin=""
build_it=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --reps) reps="$2"; shift ;;
        --big-reps) big_reps="$2"; shift ;;
        --servers) servers="$2"; shift ;;
        --only) only="$2"; shift ;;
        --out) out="$2"; shift ;;
        --hub) hub_bin="$2"; shift ;;
        --loadgen) loadgen_bin="$2"; shift ;;
        --no-build) build_it=no ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# --- what the bench needs ---------------------------------------------------------------------------------------
extra=(libssl-dev python3 util-linux)
command -v node >/dev/null && command -v npm >/dev/null || extra+=(nodejs npm)
bash "$root/scripts/install-deps.sh" "${extra[@]}"
(cd "$root/bench/reference" && npm ci --no-audit --no-fund --loglevel=error)

# shellcheck source=bench/build.sh
source "$root/bench/build.sh"
targets=()
if [ "$build_it" = yes ]; then
    targets=(floor-relay peerlink-cryptobench)
    [ -n "$hub_bin" ] || targets+=(peerlink-hub)
    [ -n "$loadgen_bin" ] || targets+=(peerlink-loadgen)
fi
bench_build "$root" "${targets[@]}"
build="$bench_dir"
hub_bin="${hub_bin:-$build/src/hubd/peerlink-hub}"
loadgen_bin="${loadgen_bin:-$build/bench/peerlink-loadgen}"

# Thousands of connections on both sides.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# --- one server, one load-generator run ---------------------------------------------------------------------------
cpus=$(nproc)
server_cpu=$((cpus > 1 ? 1 : 0))
loadgen_cpu=0

start_server() { # kind -> sets server_pid, server_port
    local kind=$1 log="$out/server.log"
    : >"$log"
    case "$kind" in
        # peerlink-sio: the same hub, the same settings; only the load generator speaks socket.io to it.
        peerlink|peerlink-sio) taskset -c "$server_cpu" "$hub_bin" --config "$root/bench/peerlink-hub.bench.conf" --port 0 >"$log" 2>&1 & ;;
        ws) taskset -c "$server_cpu" node "$root/bench/reference/ws-hub.js" 0 >"$log" 2>&1 & ;;
        socketio) taskset -c "$server_cpu" node "$root/bench/reference/socketio-hub.js" 0 >"$log" 2>&1 & ;;
        floor) taskset -c "$server_cpu" "$build/bench/floor/floor-relay" 0 >"$log" 2>&1 & ;;
        *) echo "bench/run.sh: unknown server $kind" >&2; exit 2 ;;
    esac
    server_pid=$!
    server_port=""
    for _ in $(seq 1 100); do
        server_port=$(grep -m1 'listening' "$log" | grep -o '[0-9]\+$' || true)
        [ -n "$server_port" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench/run.sh: $kind did not start:" >&2
    cat "$log" >&2
    exit 1
}

stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

run_one() { # name server rep -- loadgen args
    local name=$1 kind=$2 rep=$3
    shift 4
    local protocol=peerlink
    case "$kind" in socketio|peerlink-sio) protocol=socketio ;; esac
    start_server "$kind"
    local line
    line=$(taskset -c "$loadgen_cpu" "$loadgen_bin" --protocol "$protocol" --port "$server_port" \
        --server-pid "$server_pid" "$@" || true)
    stop_server
    [ -n "$line" ] || line='{"failed":"the load generator printed nothing"}'
    printf '{"name":"%s","server":"%s","rep":%d,%s\n' "$name" "$kind" "$rep" "${line#\{}" >>"$out/results.jsonl"
    printf '  %-18s %-9s rep %d  %s\n' "$name" "$kind" "$rep" "$(python3 "$root/bench/report.py" --brief <<<"$line")"
}

# --- workloads ----------------------------------------------------------------------------------------------------
if [ "$mode" = full ]; then
    reps=${reps:-3}; big_reps=${big_reps:-2}; warm=1; dur=5; big_timeout=90
    fanouts=(10 100 1000); idles=(0 1000 10000); storm=10000; mems=(1000 10000)
else
    reps=${reps:-3}; big_reps=${big_reps:-$reps}; warm=0.5; dur=2; big_timeout=60
    fanouts=(10 100 1000); idles=(0 1000); storm=2000; mems=(1000)
fi
timing=(--warmup "$warm" --duration "$dur")

# name|repetitions|load generator arguments. Workloads that first join thousands of peers (each join is announced
# to every peer already there: the work grows with the square of the crowd) get fewer repetitions and a time limit.
workloads=()
workloads+=("relay|$reps|--workload relay --pairs 4 --window 256 ${timing[*]}")
# The same relay with end-to-end envelopes (64 bytes of text sealed): what encryption costs the hub (PeerLink only).
workloads+=("relay-e2e|$reps|--workload relay --pairs 4 --window 256 --e2e ${timing[*]}")
# A plain message as large as that envelope (273 bytes of text): what the hub pays per byte, sealed or not.
workloads+=("relay-sized|$reps|--workload relay --pairs 4 --window 256 --text-bytes 273 ${timing[*]}")
for n in "${fanouts[@]}"; do workloads+=("fanout-$n|$reps|--workload fanout --peers $n --window 64 ${timing[*]}"); done
for n in "${idles[@]}"; do
    r=$reps; [ "$n" -ge 10000 ] && r=$big_reps
    workloads+=("pingpong-idle-$n|$r|--workload pingpong --idle $n --rate 1000 ${timing[*]} --timeout $big_timeout")
done
r=$reps; [ "$storm" -ge 10000 ] && r=$big_reps
workloads+=("storm-$storm|$r|--workload storm --peers $storm --timeout $big_timeout")
for n in "${mems[@]}"; do
    r=$reps; [ "$n" -ge 10000 ] && r=$big_reps
    workloads+=("idle-mem-$n|$r|--workload idle --peers $n --timeout $big_timeout --settle 2")
done
workloads+=("large-1MiB|$reps|--workload large --window 4 ${timing[*]}")

mkdir -p "$out"
: >"$out/results.jsonl"
IFS=, read -r -a server_list <<<"$servers"
echo "bench: $mode mode, $reps repetitions ($big_reps for 10 000 peers), servers ${server_list[*]}; server on CPU $server_cpu, load generator on CPU $loadgen_cpu"
for entry in "${workloads[@]}"; do
    IFS='|' read -r name n_reps args <<<"$entry"
    if [ -n "$only" ] && ! grep -qw -- "${name%%-[0-9]*}" <<<"${only//,/ }" && ! grep -qw -- "$name" <<<"${only//,/ }"; then
        continue
    fi
    # Repetitions outermost and servers interleaved, so that a noisy moment on this shared machine hits every
    # server rather than one.
    for rep in $(seq 1 "$n_reps"); do
        for kind in "${server_list[@]}"; do
            case "$name" in relay-e2e|relay-sized) [ "$kind" != peerlink ] && continue ;; esac
            # shellcheck disable=SC2086
            run_one "$name" "$kind" "$rep" -- $args
        done
    done
done

# What end-to-end encryption costs a peer (sealing and opening on one core), beside what it costs the hub above.
if [ -z "$only" ] || grep -qw -- crypto <<<"${only//,/ }"; then
    taskset -c "$loadgen_cpu" "$build/bench/peerlink-cryptobench" >>"$out/results.jsonl"
fi

python3 "$root/bench/report.py" "$out/results.jsonl" --markdown "$out/report.md"
echo "bench: results in $out/results.jsonl and $out/report.md"
