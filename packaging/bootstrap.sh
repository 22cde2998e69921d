#!/usr/bin/env bash
# Shared by packaging/studio.sh and packaging/test.sh: installs the Debian packages the build needs
# (saying which), configures once and builds. Quick when everything is already there.
#
#   FLYWHEEL_PRESET   CMake preset to build (default: dev; CI uses ci, which adds -Werror)
set -euo pipefail

FLYWHEEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLYWHEEL_PRESET="${FLYWHEEL_PRESET:-dev}"
FLYWHEEL_BUILD="$FLYWHEEL_ROOT/build/$FLYWHEEL_PRESET"

# Debian 12 package names of everything the build finds with find_package or pkg-config.
FLYWHEEL_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev libgl-dev
    qt6-httpserver-dev qt6-websockets-dev
    qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev qt6-svg-dev
    libsqlite3-dev libsimdjson-dev libxxhash-dev zlib1g-dev libdtl-dev
    libpq-dev postgresql-15  # the team store's client library; the server the tests start
    libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
    tzdata  # the tests that run east and west of UTC
)

flywheel_missing_packages() {
    local missing=()
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    echo "${missing[@]:-}"
}

flywheel_install() {
    local missing
    missing=$(flywheel_missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "flywheel: installing Debian packages: $missing"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null; then
            sudo="sudo"
        else
            echo "flywheel: these packages are missing and this user cannot install them; as root run:" >&2
            echo "  apt-get install -y $missing" >&2
            exit 2
        fi
    fi
    # Package lists may be missing on a fresh machine; refresh them once and retry.
    # shellcheck disable=SC2086
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing </dev/null; then
        $sudo apt-get update </dev/null
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing </dev/null
    fi
}

flywheel_build() {
    flywheel_install "${FLYWHEEL_PACKAGES[@]}"
    cd "$FLYWHEEL_ROOT"
    if [ ! -f "$FLYWHEEL_BUILD/build.ninja" ]; then
        cmake --preset "$FLYWHEEL_PRESET"
    fi
    cmake --build --preset "$FLYWHEEL_PRESET"
}
