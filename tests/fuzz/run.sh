#!/usr/bin/env bash
# Fuzzes every capture-format parser under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]     (default 60)
#
# Builds build/fuzz with clang-14 (installing clang-14 and libclang-rt-14-dev if missing), seeds
# each target's corpus from the test fixtures and the demo data, and runs each for the given time.
# Crashes are written to build/fuzz/findings/; the script exits non-zero when any target fails.
# FLYWHEEL_FUZZ_TARGETS="csv langfuse" limits the run to some formats.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../packaging/bootstrap.sh"

seconds="${1:-60}"
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
    fuzz_request fuzz_curate fuzz_export fuzz_search

# Seeds: each fixture line on its own, and whole small files.
corpus="$build/corpus"
rm -rf "$corpus"
mkdir -p "$corpus"/{native,openai,oasst,csv,langfuse,otlp,auto,request,curate,export,search} "$build/findings"
seed() { split -l 1 -a 5 "$1" "$corpus/$2/$(basename "$1")-"; }
seed tests/data/openai_pairs.jsonl openai
seed tests/data/litellm_payloads.jsonl openai
head -n 20 resources/demo/oasst_en_100_message.jsonl > "$corpus/oasst/trees"
cp tests/data/support_export.csv "$corpus/csv/"
seed tests/data/langfuse_traces.jsonl langfuse
seed tests/data/langfuse_blob.jsonl langfuse
seed tests/data/otlp_traces.jsonl otlp
printf '%s\n' '{"id":"a","timestamp":"2026-11-01T12:00:00Z","input":[{"role":"user","content":"hi"}],"output":{"role":"assistant","content":"x","tool_calls":[]},"feedback":[{"kind":"rating","value":4}],"correction":{"output":"y"},"metadata":{"k":1}}' > "$corpus/native/full"
printf '%s\n' '{"type":"feedback","interaction_id":"a","kind":"thumbs","value":"up","timestamp":1793534400000}' > "$corpus/native/feedback"
cp "$corpus"/native/* "$corpus"/openai/* "$corpus/auto/"
# Request bodies: a selector byte (endpoint, gzip, CSV) before a body; see fuzz_request.cpp.
request_seed() { { printf "\\x$1"; cat "$2"; } > "$corpus/request/$3"; }
request_seed 00 tests/data/otlp_traces.jsonl traces
request_seed 01 tests/data/openai_pairs.jsonl openai
request_seed 01 "$corpus/native/full" native
request_seed 02 "$corpus/native/feedback" feedback
request_seed 40 tests/data/support_export.csv csv
{ printf '\x82'; gzip -c "$corpus/native/full"; } > "$corpus/request/native-gzip"
printf '\x01[%s,%s]' "$(cat "$corpus/native/full")" "$(cat "$corpus/native/full")" > "$corpus/request/array"
# Curation: texts with personal data of every kind, and the shipped rules file.
printf '%s' 'Mail jane.doe@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, host 192.168.1.20 and 2001:db8::1, key sk-proj-AbCdEf1234567890GhIjKlMn' > "$corpus/curate/pii"
printf '%s' '-----BEGIN RSA PRIVATE KEY-----
MIIEow
-----END RSA PRIVATE KEY----- Grüße ＡＢＣ ﬁnd token Zx8Qp2Lr7Vt4Nw9Ks3Hd6Fg1Jb5Mc0Ay' > "$corpus/curate/unicode"
cp resources/curation/default-rules.json "$corpus/curate/rules"
# Exports: stored inputs (message lists with tools and parts) and dataset lines.
printf '%s' '[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"hi jane@example.com"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{"a":1}}}]},{"role":"tool","tool_call_id":"c","content":"ok"}]' > "$corpus/export/messages"
printf '%s\n' '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":1}]}' > "$corpus/export/chat"
printf '%s\n' '{"prompt":[{"role":"user","content":"q"}],"completion":[{"role":"assistant","content":"a"}],"label":true}' > "$corpus/export/kto"
# Search: words, FTS5 syntax, and filter values after 0x1f separators.
printf '%s' 'refund pol' > "$corpus/search/prefix"
printf '%s' 'a" OR NEAR(b c) ^d* -e col:f' > "$corpus/search/syntax"
printf 'billing\x1fbilling\x1fpersonal_data\x1fana\x1fgold\x1fv2' > "$corpus/search/filters"

status=0
for format in ${FLYWHEEL_FUZZ_TARGETS:-native openai oasst csv langfuse otlp auto request curate export search}; do
    echo "fuzz_$format: ${seconds}s"
    if ! "$build/tests/fuzz/fuzz_$format" "$corpus/$format" -max_total_time="$seconds" -max_len=65536 \
        -artifact_prefix="$build/findings/$format-" -print_final_stats=1 2>"$build/fuzz_$format.log"; then
        echo "fuzz_$format FAILED; see $build/fuzz_$format.log and $build/findings/" >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz_$format.log" | sed "s/^/  /"
done
exit $status
