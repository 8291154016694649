#!/usr/bin/env bash
# Builds the libFuzzer target for the protocol decoder with clang (ASan + UBSan) into build-fuzz/ and runs it on the
# seed corpus for SECONDS (default 300). New inputs that found new paths are kept in build-fuzz/corpus; a crash
# is saved as build-fuzz/crash-* and the script exits non-zero.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-300}"
build="$root/build-fuzz"
"$root/scripts/install-deps.sh" clang libclang-rt-14-dev
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DPEERLINK_BUILD_FUZZERS=ON -DPEERLINK_BUILD_APP=OFF -DPEERLINK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_decoder -j "${PEERLINK_JOBS:-2}"
mkdir -p "$build/corpus"
cd "$build"
./tests/fuzz/fuzz_decoder -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/" "$build/corpus" "$root/tests/fuzz/corpus/decoder"
