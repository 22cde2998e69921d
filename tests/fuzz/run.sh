#!/usr/bin/env bash
# Fuzzes every target (the capture-format parsers, request bodies, curation, exports and search)
# under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]     (default 60)
#
# Builds build/fuzz with clang-14 (installing clang-14 and libclang-rt-14-dev if missing), starts
# each target from its committed corpus (tests/fuzz/corpus/TARGET) and the past findings
# (tests/data/fuzz-*), and runs each for the given time. Crashes are written to
# build/fuzz/findings/; the script exits non-zero when any target fails.
# FLYWHEEL_FUZZ_TARGETS="csv langfuse" limits the run to some targets; FLYWHEEL_FUZZ_RUNS=N runs
# N executions a target instead of a time; FLYWHEEL_FUZZ_MERGE=1 merges new coverage into the
# committed corpus.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../packaging/bootstrap.sh"

seconds="${1:-60}"
# FLYWHEEL_FUZZ_RUNS=N runs each target for N executions instead of a time.
if [ -n "${FLYWHEEL_FUZZ_RUNS:-}" ]; then
    limit="-runs=$FLYWHEEL_FUZZ_RUNS"
else
    limit="-max_total_time=$seconds"
fi
flywheel_install "${FLYWHEEL_PACKAGES[@]}" clang-14 libclang-rt-14-dev
cd "$FLYWHEEL_ROOT"
build="$FLYWHEEL_ROOT/build/fuzz"
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
        -DCMAKE_CXX_FLAGS="$sanitizers -fsanitize=fuzzer-no-link" \
        -DCMAKE_EXE_LINKER_FLAGS="$sanitizers" \
        -DFLYWHEEL_BUILD_TESTS=OFF -DFLYWHEEL_FUZZ=ON
fi
cmake --build "$build" --target fuzz_native fuzz_openai fuzz_oasst fuzz_csv fuzz_langfuse fuzz_otlp fuzz_auto \
    fuzz_request fuzz_otlp_protobuf fuzz_curate fuzz_export fuzz_search

# Each campaign starts from the committed corpus and the past findings; with FLYWHEEL_FUZZ_MERGE=1
# what adds coverage is merged back into tests/fuzz/corpus (commit it).
corpus="$build/corpus"
rm -rf "$corpus"
mkdir -p "$corpus" "$build/findings"
cp -r tests/fuzz/corpus/. "$corpus/"
rm -f "$corpus/README.md"
status=0
for format in ${FLYWHEEL_FUZZ_TARGETS:-native openai oasst csv langfuse otlp auto request otlp_protobuf curate export search}; do
    echo "fuzz_$format: ${limit#-}"
    mkdir -p "$corpus/$format"
    cp tests/data/fuzz-* "$corpus/$format/"
    if ! "$build/tests/fuzz/fuzz_$format" "$corpus/$format" $limit -max_len=65536 \
        -artifact_prefix="$build/findings/$format-" -print_final_stats=1 2>"$build/fuzz_$format.log"; then
        echo "fuzz_$format FAILED; see $build/fuzz_$format.log and $build/findings/" >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov: " "$build/fuzz_$format.log" | tail -n 3 | sed "s/^/  /"
    if [ "${FLYWHEEL_FUZZ_MERGE:-0}" = 1 ]; then
        "$build/tests/fuzz/fuzz_$format" -merge=1 -max_len=65536 "tests/fuzz/corpus/$format" "$corpus/$format" \
            2>>"$build/fuzz_$format.log"
    fi
done
exit $status
