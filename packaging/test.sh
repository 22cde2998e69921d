#!/usr/bin/env bash
# The tests: installs what the build needs, builds, and runs the whole suite with ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

flywheel_build
cd "$FLYWHEEL_ROOT"
ctest --preset "$FLYWHEEL_PRESET" "$@"
