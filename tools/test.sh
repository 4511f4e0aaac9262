#!/usr/bin/env bash
# Runs ringgate's whole test suite: installs what is needed (tools/setup.sh), builds, and
# runs every ctest label (unit, integration, fuzz-smoke replay, bench-smoke, package).
#
#   tools/test.sh              RelWithDebInfo build in build/
#   tools/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#   tools/test.sh --fuzz N     clang libFuzzer build in build-fuzz/, each target fuzzed N seconds
set -euo pipefail
cd "$(dirname "$0")/.."

mode=default
fuzz_seconds=20
case "${1:-}" in
    "") ;;
    --sanitize) mode=sanitize ;;
    --fuzz) mode=fuzz; fuzz_seconds="${2:-20}" ;;
    *) echo "usage: $0 [--sanitize | --fuzz SECONDS]" >&2; exit 2 ;;
esac

tools/setup.sh
npm_dirs=()
for d in tests/*/package.json; do
    [ -e "$d" ] && npm_dirs+=("$(dirname "$d")")
done
for d in "${npm_dirs[@]}"; do
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error)
done

jobs=$(nproc)
case "$mode" in
    default)
        cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
        cmake --build build -j "$jobs"
        ctest --test-dir build --output-on-failure -j "$jobs" --timeout 300
        ;;
    sanitize)
        cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRG_SANITIZE=ON \
            -DRG_BUILD_BENCH=OFF
        cmake --build build-asan -j "$jobs"
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
            ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600 -LE package
        ;;
    fuzz)
        cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRG_FUZZ=ON \
            -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DRG_FUZZ_SECONDS="$fuzz_seconds" \
            -DRG_BUILD_BENCH=OFF
        cmake --build build-fuzz -j "$jobs" --target fuzz_targets
        ctest --test-dir build-fuzz --output-on-failure -L fuzz-smoke --timeout $((fuzz_seconds * 4 + 60))
        ;;
esac
