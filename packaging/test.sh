#!/usr/bin/env bash
# The tests: installs what the build needs, builds, and runs the whole suite with ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# The end-to-end tests run the OpenTelemetry JavaScript SDK's exporters (tests/otel): Node.js and
# the locked npm packages.
flywheel_otel_clients() {
    command -v node >/dev/null && command -v npm >/dev/null || flywheel_install nodejs npm
    local otel="$FLYWHEEL_ROOT/tests/otel"
    if [ ! -f "$otel/node_modules/.package-lock.json" ] ||
        [ "$otel/package-lock.json" -nt "$otel/node_modules/.package-lock.json" ]; then
        npm ci --prefix "$otel" --no-audit --no-fund </dev/null
    fi
}

flywheel_build
flywheel_otel_clients
cd "$FLYWHEEL_ROOT"
ctest --preset "$FLYWHEEL_PRESET" "$@"
