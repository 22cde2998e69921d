#!/usr/bin/env bash
# Writes the man pages flywheel.1 and flywheel-studio.1 into OUT_DIR from the programs' own --help,
# so they cannot drift from the programs: the build runs this after linking them.
#
#   manpages.sh FLYWHEEL FLYWHEEL_STUDIO VERSION OUT_DIR DATA_DIR DOC_DIR
#
# DATA_DIR and DOC_DIR are where the package installs the default rules and the documentation.
set -euo pipefail
flywheel="$1"
studio="$2"
version="$3"
out="$4"
data="$(echo "$5" | sed 's/-/\\-/g')"
doc="$(echo "$6" | sed 's/-/\\-/g')"
mkdir -p "$out"

# Help as a user would see it: the default store under ~, not the builder's home.
help() { env -u XDG_DATA_HOME HOME='~' QT_QPA_PLATFORM=offscreen "$@" --help; }

# Plain text to roff: backslashes, hyphens and leading dots or quotes made literal.
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

# The "Options:" and "Arguments:" blocks of a Qt --help as .TP entries; continuation lines join their option. With
# "common", leaves out the options every command shares (described once, above).
options() {
    awk -v common="${1:-}" '
        /^(Options|Arguments):/ { inside = 1; next }
        /^[A-Za-z]/ { inside = 0 }
        inside && /^  [^ ]/ {
            if (option != "") print option "\n" text
            line = $0; sub(/^ +/, "", line)
            split(line, parts, /  +/)
            skip = common != "" && parts[1] ~ /^(-h, --help|--help-all|--store <path>|--json)$/
            option = skip ? "" : ".TP\n.B " parts[1]; text = ""
            for (i = 2; i in parts; ++i) text = text (text == "" ? "" : " ") parts[i]
            next
        }
        inside && /^   +/ { line = $0; sub(/^ +/, "", line); text = text " " line; next }
        END { if (option != "") print option "\n" text }
    ' | sed -e 's/\\/\\e/g' -e 's/-/\\-/g'
}

# The paragraph between "Usage:" and "Options:".
description() { awk 'NR > 1 && /^Options:/ { exit } NR > 1 && NF { print }' | roff; }

today="$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)"

{
    echo ".TH FLYWHEEL 1 \"$today\" \"flywheel $version\" \"User Commands\""
    echo ".SH NAME"
    echo "flywheel \\- capture, curate and export the interactions of AI features"
    echo ".SH SYNOPSIS"
    echo ".B flywheel"
    echo "[\\fB\\-\\-store\\fR \\fIPATH\\fR] [\\fB\\-\\-json\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR]"
    echo ".SH DESCRIPTION"
    help "$flywheel" | sed -n '3p' | roff
    echo ".PP"
    help "$flywheel" | awk '/^Every command/,0' | roff
    echo ".SH COMMANDS"
    help "$flywheel" | awk '/^Commands:/ { inside = 1; next } inside && /^  [a-z]/ { print $1 } inside && !NF { exit }' |
        while read -r command; do
            echo ".SS \"flywheel $command\""
            help "$flywheel" "$command" | description
            help "$flywheel" "$command" | options common
        done
    echo ".SH ENVIRONMENT"
    echo ".TP"
    echo ".B FLYWHEEL_STORE"
    echo "The store used when \\fB\\-\\-store\\fR is not given."
    echo ".SH FILES"
    echo ".TP"
    echo ".I ~/.local/share/flywheel\\-studio/store.flywheel"
    echo "The default store."
    echo ".TP"
    echo ".I $data/default\\-rules.json"
    echo "The curation rules \\fBflywheel curate\\fR uses without \\fB\\-\\-rules\\fR; copy it to start your own."
    echo ".TP"
    echo ".I $doc/"
    echo "The user guide and reference (capture format, store, curation, exports, review)."
    echo ".SH SEE ALSO"
    echo ".BR flywheel\\-studio (1),"
    echo ".BR sqlite3 (1)"
} > "$out/flywheel.1"

{
    echo ".TH FLYWHEEL\\-STUDIO 1 \"$today\" \"flywheel-studio $version\" \"User Commands\""
    echo ".SH NAME"
    echo "flywheel\\-studio \\- review and curate AI interaction data"
    echo ".SH SYNOPSIS"
    echo ".B flywheel\\-studio"
    echo "[\\fIoptions\\fR] [\\fISTORE\\fR]"
    echo ".SH DESCRIPTION"
    help "$studio" | description
    echo ".PP"
    echo "Without a store it opens \\fB\$FLYWHEEL_STORE\\fR, else the store it had open last, else"
    echo "\\fI~/.local/share/flywheel\\-studio/store.flywheel\\fR. The review queue is driven from the keyboard:"
    echo "\\fBa\\fR accept, \\fBx\\fR reject, \\fBe\\fR correct, \\fBSpace\\fR skip, \\fB1\\fR\\-\\fB9\\fR segment,"
    echo "\\fBj\\fR/\\fBk\\fR move, \\fB/\\fR search, \\fBCtrl+Z\\fR undo; see $doc/review.md."
    echo ".SH OPTIONS"
    help "$studio" | options
    echo ".SH SEE ALSO"
    echo ".BR flywheel (1)"
} > "$out/flywheel-studio.1"
