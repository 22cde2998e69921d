#!/usr/bin/env bash
# ThreadSanitizer run (docs/reliability.md, "ThreadSanitizer"): builds the studio, the command line
# and the tests that run threads against one store with -fsanitize=thread (the tsan preset), then
# runs the GUI tests, the concurrency, lock, damage, kill and stress tests under it. Any report
# fails the test that printed it. bash tests/reliability/tsan.sh [ctest arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../packaging/bootstrap.sh"
flywheel_install "${FLYWHEEL_PACKAGES[@]}"
cd "$FLYWHEEL_ROOT"
targets=(flywheel tsan_canary tst_backgroundjob tst_studiosession tst_mainwindow tst_importdialog tst_curationtask tst_reviewview tst_dashboardview
         tst_guidelinespanel tst_filedialogs tst_interactionhtml tst_concurrency tst_storelocks
         tst_storedamage kill_harness stress_harness)
tests='^(tsan_canary|tst_backgroundjob|tst_studiosession|tst_mainwindow|tst_importdialog|tst_curationtask|tst_reviewview|tst_dashboardview|tst_guidelinespanel|tst_filedialogs|tst_interactionhtml|tst_concurrency|tst_storelocks|tst_storedamage|kill_tests|stress_tests)$'
[ -f build/tsan/build.ninja ] || cmake --preset tsan
cmake --build build/tsan --target "${targets[@]}"
# TSan's shadow memory needs the lower address space; a randomised one can collide with it.
setarch "$(uname -m)" -R ctest --preset tsan -R "$tests" "$@"
