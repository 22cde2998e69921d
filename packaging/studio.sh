#!/usr/bin/env bash
# The main job: opens Flywheel Studio on the demo store, creating it on first run. Without a
# display (no DISPLAY or WAYLAND_DISPLAY) it runs the headless pipeline on the demo store instead
# and prints the summary.
#
#   FLYWHEEL_DEMO_STORE   where the demo store lives (default: the per-user data folder)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

flywheel_build
flywheel="$FLYWHEEL_BUILD/app/flywheel/flywheel"
studio="$FLYWHEEL_BUILD/app/studio/flywheel-studio"
store="${FLYWHEEL_DEMO_STORE:-${XDG_DATA_HOME:-$HOME/.local/share}/flywheel-studio/demo.flywheel}"

if [ ! -f "$store" ]; then
    echo "flywheel: creating the demo store $store"
    "$flywheel" --store "$store" demo
fi
# Fills the review queue; quick when nothing changed since the last run.
"$flywheel" --store "$store" curate --quiet > /dev/null

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$studio" --store "$store"
fi

# Without a display: the store's summary and the top of the review queue.
echo "flywheel: no display; the headless pipeline on $store"
"$flywheel" --store "$store" stats
"$flywheel" --store "$store" queue --limit 10
