#!/usr/bin/env bash
# Builds a libFuzzer target (default: the protocol decoder; second argument: another target) with clang (ASan + UBSan) into build-fuzz/ and runs it on the
# seed corpus for SECONDS (default 300). New inputs that found new paths are kept in build-fuzz/corpus; a crash
# is saved as build-fuzz/crash-* and the script exits non-zero.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-300}"
target="${2:-fuzz_decoder}" # or fuzz_envelope (the end-to-end envelope and key decoders), fuzz_wsframe (the hub's WebSocket frame reader and UTF-8 validator), fuzz_messagescan (the hub's fast path against the full decoder), fuzz_socketio (the socket.io codec and event mapping), fuzz_proxyheaders (PROXY headers and X-Forwarded-For from a trusted proxy), fuzz_busformat (the cluster bus records and batches), fuzz_wshandshake (the WebSocket handshake the hub answers), fuzz_sendermemory (the sender's file of unfinished transfers)
build="$root/build-fuzz"
"$root/scripts/install-deps.sh" clang libclang-rt-14-dev
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DPEERLINK_BUILD_FUZZERS=ON -DPEERLINK_BUILD_APP=OFF -DPEERLINK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target "$target" -j "${PEERLINK_JOBS:-2}"
corpus="$root/tests/fuzz/corpus/${target#fuzz_}"
mkdir -p "$build/corpus-$target" "$corpus"
cd "$build"
"./tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/" "$build/corpus-$target" "$corpus"
