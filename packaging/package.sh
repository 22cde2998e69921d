#!/usr/bin/env bash
# Builds the Debian package and checks it: the desktop entry and AppStream metadata validate, the
# package holds what it should, its programs run from a plain extraction, and (as root) it installs
# with apt-get, runs, and uninstalls cleanly.
#
#   bash packaging/package.sh        # leaves build/<preset>/flywheel-studio_VERSION_amd64.deb
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# What packaging and its checks need beyond the build.
flywheel_install file dpkg-dev desktop-file-utils appstream libxml2-utils
flywheel_build
cd "$FLYWHEEL_BUILD"
app_id=io.github.flywheelstudio.Studio
fail() { echo "package: $*" >&2; exit 1; }

echo "package: validating the desktop entry, AppStream metadata and MIME type"
desktop-file-validate "$FLYWHEEL_ROOT/packaging/desktop/$app_id.desktop"
appstreamcli validate --no-net "$FLYWHEEL_ROOT/packaging/desktop/$app_id.metainfo.xml"
xmllint --noout "$FLYWHEEL_ROOT/packaging/desktop/$app_id.xml"

echo "package: cpack -G DEB"
rm -f flywheel-studio_*.deb
cpack -G DEB >/dev/null
deb=$(ls flywheel-studio_*_amd64.deb)
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Depends\|Installed-Size\):/  &/p'

echo "package: checking the file list of $deb"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for expected in \
    ./usr/bin/flywheel ./usr/bin/flywheel-studio \
    ./usr/share/applications/$app_id.desktop ./usr/share/metainfo/$app_id.metainfo.xml \
    ./usr/share/mime/packages/$app_id.xml ./usr/share/icons/hicolor/scalable/apps/$app_id.svg \
    ./usr/share/icons/hicolor/48x48/apps/$app_id.png ./usr/share/icons/hicolor/256x256/apps/$app_id.png \
    ./usr/share/man/man1/flywheel.1.gz ./usr/share/man/man1/flywheel-studio.1.gz \
    ./usr/share/flywheel-studio/default-rules.json ./usr/share/doc/flywheel-studio/README.md \
    ./usr/share/doc/flywheel-studio/user-guide.md ./usr/share/doc/flywheel-studio/LICENSE; do
    grep -qxF "$expected" <<<"$contents" || fail "$deb lacks $expected"
done
if grep -E '(/tests?/|bench|kill_harness|/include/|\.a$)' <<<"$contents"; then
    fail "$deb holds files that are not for users (above)"
fi
dpkg-deb --field "$deb" Depends | grep -q 'libqt6widgets6' || fail "the package does not depend on Qt Widgets"

echo "package: running the programs from an extraction of the package"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/flywheel" --version | grep -q "flywheel $(dpkg-deb --field "$deb" Version)" ||
    fail "flywheel --version from the package is wrong"
"$root/usr/bin/flywheel-studio" --version >/dev/null || fail "flywheel-studio --version failed"
"$root/usr/bin/flywheel" --store "$root/check.flywheel" demo --interactions 200 --quiet >/dev/null
"$root/usr/bin/flywheel" --store "$root/check.flywheel" curate --quiet >/dev/null
zcat "$root/usr/share/man/man1/flywheel.1.gz" | grep -q 'flywheel curate' || fail "the man page lacks its commands"

if [ "$(id -u)" -eq 0 ] && [ "${FLYWHEEL_PACKAGE_INSTALL:-1}" = 1 ]; then
    echo "package: apt-get install ./$deb, run, remove"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "./$deb" </dev/null >/dev/null
    flywheel --version
    flywheel-studio --version
    QT_QPA_PLATFORM=offscreen timeout 20 flywheel-studio --help >/dev/null
    dpkg -L flywheel-studio | grep -q "/usr/share/applications/$app_id.desktop" ||
        fail "dpkg does not list the installed desktop entry"
    DEBIAN_FRONTEND=noninteractive apt-get remove -y flywheel-studio </dev/null >/dev/null
    [ ! -e /usr/bin/flywheel ] && [ ! -e /usr/share/applications/$app_id.desktop ] ||
        fail "removing the package left its files"
fi
echo "package: $FLYWHEEL_BUILD/$deb is good"
