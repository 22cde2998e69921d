#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer run (docs/reliability.md, "Sanitizers"): builds the
# asan preset and runs tests under it. Any report fails the test that printed it.
#
#   bash tests/sanitize.sh            the whole suite
#   bash tests/sanitize.sh --fast     what reads untrusted bytes: the engine's tests and the replay
#                                     of every fuzz corpus and finding (.ci/run runs this)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../packaging/bootstrap.sh"
flywheel_install "${FLYWHEEL_PACKAGES[@]}"
cd "$FLYWHEEL_ROOT"
[ -f build/asan/build.ninja ] || cmake --preset asan
if [ "${1:-}" = "--fast" ]; then
    shift
    # The engine's own tests (tests/core) and the fuzz replays: no GUI, no child processes.
    mapfile -t targets < <(sed -n 's/^flywheel_add_test(\(tst_[a-z_]*\).*/\1/p' tests/core/CMakeLists.txt)
    targets+=(fuzz_native_replay fuzz_openai_replay fuzz_oasst_replay fuzz_csv_replay fuzz_langfuse_replay
              fuzz_otlp_replay fuzz_auto_replay fuzz_request_replay fuzz_curate_replay fuzz_export_replay
              fuzz_search_replay fuzz_otlp_protobuf_replay)
    cmake --build build/asan --target "${targets[@]}"
    pattern="^($(IFS='|'; echo "${targets[*]}" | sed 's/fuzz_\([a-z_]*\)_replay/fuzz_replay_\1/g'))\$"
    ctest --preset asan -R "$pattern" "$@"
else
    cmake --build --preset asan
    ctest --preset asan "$@"
fi
