# Sourced by bench/run.sh and bench/cluster.sh: builds the bench's programs in Release into build-bench/.
# bench_build ROOT TARGET...: configures build-bench/ (no app, no tests, the bench on) and builds TARGETs; with
# no TARGET it does nothing. Sets bench_dir to the build directory either way.
bench_build() {
    local root=$1
    shift
    bench_dir="$root/build-bench"
    [ $# -gt 0 ] || return 0
    cmake -S "$root" -B "$bench_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPEERLINK_BUILD_APP=OFF -DPEERLINK_BUILD_TESTS=OFF -DPEERLINK_BUILD_BENCH=ON >/dev/null
    cmake --build "$bench_dir" -j "${PEERLINK_JOBS:-2}" --target "$@"
}
