#!/usr/bin/env bash
# Runs the property-based fuzz targets of tests/fuzz/ long: each target in turn (never two
# at once), for SECONDS each, in rounds of PROPTEST_CASES cases per property with a fresh
# random seed per round. Prints per target: seconds run, rounds, cases tried, result. A
# failure stops that target; proptest saves its seed in tests/fuzz/TARGET.proptest-regressions
# (commit that file with the fix: it is replayed first on every later run).
#
#   benches/fuzz_long.sh [SECONDS=300] [TARGET...]   (targets: filter ocsf_grammar policy waf seed config)
#   CHUNK=20000 benches/fuzz_long.sh 600 policy
#
# Built in the test profile (debug assertions and overflow checks on), run under nice.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(filter ocsf_grammar policy waf seed config)
chunk=${CHUNK:-5000}
# One build, copied aside: editing the sources while this runs changes nothing here.
built=$(cargo test --test fuzz --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*fuzz-[^"]*\)".*/\1/p' | tail -1)
[ -x "$built" ] || { echo "could not build tests/fuzz.rs" >&2; exit 2; }
bin=$(mktemp -d)/fuzz
cp "$built" "$bin"
status=0
for t in "${targets[@]}"; do
    props=$("$bin" "$t::" --list 2>/dev/null | grep -c ': test$')
    start=$(date +%s)
    rounds=0
    result=ok
    while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
        log=$(mktemp)
        if ! PROPTEST_CASES=$chunk nice "$bin" "$t::" --quiet >"$log" 2>&1; then
            result="FAILED (see below)"
            grep -E "minimal failing input|Test failed|panicked" "$log" | head -20
            status=1
            rm -f "$log"
            break
        fi
        rm -f "$log"
        rounds=$((rounds + 1))
    done
    elapsed=$(( $(date +%s) - start ))
    echo "fuzz $t: ${elapsed}s, $rounds rounds x $chunk cases x $props properties = $((rounds * chunk * props)) cases: $result"
done
rm -rf "$(dirname "$bin")"
exit $status
