#!/usr/bin/env bash
# Runs the kill tests many times: bash tests/reliability/run.sh [KILLS_PER_WRITER] (default 1000).
# Prints, per writer, the kills, the items acknowledged and the items lost (which must be 0).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../packaging/bootstrap.sh"
kills="${1:-1000}"
flywheel_build
"$FLYWHEEL_BUILD/tests/reliability/kill_harness" --kills "$kills"
