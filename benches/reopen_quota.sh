#!/usr/bin/env bash
# Reopening the console on N findings (default 100,000) under AWS's GetFindings quota
# (3 requests/s, burst 6, 100 findings a page): the first open fetches every page and keeps
# them in the findings store; then another writer changes CHANGES findings (notes through
# BatchUpdateFindings, as a teammate's console would); the second open shows the stored
# rows and fetches only what changed (delta sync).
#
#   benches/reopen_quota.sh [FINDINGS=100000] [CHANGES=150]
#
# The sandbox (`secdeck sandbox --listen --quotas aws`, a separate process) is seeded with
# FINDINGS generated findings (`--seed-scale`) made active and NEW, so the console's
# default view holds all of them. Each console runs in tmux on a private server with
# private XDG dirs; times are read off its status line (polled every 50 ms), pages from
# the sandbox's own log of what it served. Prints for each open: time to the first rows,
# time to "complete", GetFindings pages served (and throttled), and for the first open the
# quota's floor for that many pages. The first open takes the quota's time: over 333 s at
# 100,000 findings. COLD_LIMIT (seconds, default 900) stops waiting for it. API=ocsf reads
# through GetFindingsV2 instead (default asff: GetFindings).
#
# Needs tmux, python3 and the AWS CLI (for the other writer's changes). Builds the release
# binary (into CARGO_TARGET_DIR when set) unless SECDECK_BIN names one.
set -euo pipefail
cd "$(dirname "$0")/.."
findings=${1:-100000}
changes=${2:-150}
cold_limit=${COLD_LIMIT:-900}
api=${API:-asff}
operation=$([ "$api" = ocsf ] && echo GetFindingsV2 || echo GetFindings)
port=${PORT:-4595}
url="http://127.0.0.1:$port"
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work"
session="secdeck-reopen-$$"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" XDG_STATE_HOME="$work/state" \
    XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"

if [ -n "${SECDECK_BIN:-}" ]; then
    bin=$SECDECK_BIN
else
    cargo build --release --quiet
    bin=${CARGO_TARGET_DIR:-$PWD/target}/release/secdeck
fi
tmux() { command tmux -L "$session" "$@"; }
sandbox=""
# Each step runs whatever the one before did (set -e would stop the trap at the first
# that fails, e.g. kill-server once the console has quit, and leave the sandbox running).
cleanup() {
    set +e
    tmux kill-server 2>/dev/null
    [ -n "$sandbox" ] && kill "$sandbox" 2>/dev/null && wait "$sandbox" 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$work"
    return 0
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

# The seed: the generated world with every finding active and NEW (the default view).
mkdir -p "$work/seed"
"$bin" export findings --demo --seed-scale "$findings" --filter '*' --format jsonl \
    --output "$work/generated.jsonl" 2>/dev/null
python3 - "$work/generated.jsonl" "$work/seed/findings.jsonl" "$work/changes" "$changes" <<'PY'
import json, os, sys
src, dst, changes_dir, changes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = []
with open(src) as inp, open(dst, "w") as out:
    for line in inp:
        f = json.loads(line)
        f["Workflow"] = {"Status": "NEW"}
        f["WorkflowState"] = "NEW"
        f["RecordState"] = "ACTIVE"
        ids.append({"Id": f["Id"], "ProductArn": f["ProductArn"]})
        out.write(json.dumps(f) + "\n")
# The other writer's changes: notes on every (len/changes)-th finding, 100 per request.
os.makedirs(changes_dir)
picked = ids[:: max(1, len(ids) // max(1, changes))][:changes]
for n, i in enumerate(range(0, len(picked), 100)):
    body = {"FindingIdentifiers": picked[i:i + 100],
            "Note": {"Text": "looked at by the other writer", "UpdatedBy": "bench"}}
    with open(f"{changes_dir}/{n:04}.json", "w") as out:
        json.dump(body, out)
PY

SECDECK_LOG="secdeck::sandbox::served=debug,info" XDG_STATE_HOME="$work/sandbox-state" \
    "$bin" sandbox --listen "127.0.0.1:$port" --seed "$work/seed" --quotas aws \
    >"$work/sandbox.out" 2>&1 &
sandbox=$!
for _ in $(seq 1 1200); do
    grep -q "listening" "$work/sandbox.out" 2>/dev/null && break
    sleep 0.1
done
grep -q "listening" "$work/sandbox.out" || { cat "$work/sandbox.out"; exit 1; }
served() { grep -c "operation=$operation status=$1" "$work/sandbox-state/secdeck/secdeck.log" || true; }

# Opens the console and waits for its rows, then for "complete"; sets first, done, screen.
open_console() {
    local limit=$1 start
    start=$(now)
    tmux new-session -d -s "$session" -x 200 -y 50 \
        "env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench XDG_STATE_HOME=$work/state \
         XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache \
         $bin --endpoint-url $url --region us-east-1 --read-only --findings-api $api"
    first="" done=""
    while [ -z "$done" ]; do
        screen=$(tmux capture-pane -p -t "$session")
        if [ -z "$first" ] && grep -qE "(loading… |syncing · |complete · )[1-9][0-9]* finding" <<<"$screen"; then
            first=$(since "$start")
        fi
        grep -q "complete · " <<<"$screen" && done=$(since "$start")
        if (( $(echo "$(since "$start") > $limit" | bc) )); then
            echo "not complete after $limit s:"; echo "$screen"; return 1
        fi
        sleep 0.05
    done
}

quit_console() {
    tmux send-keys -t "$session" q
    for _ in $(seq 1 100); do
        tmux has-session -t "$session" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "the console did not quit"; return 1
}

report() {
    local label=$1 pages=$2 throttled=$3
    local count
    count=$(grep -o "complete · [0-9]* findings" <<<"$screen" | grep -o "[0-9]*" | head -1)
    printf '%-12s first rows %7.2f s, complete %7.2f s, %s findings, %d %s pages (%d throttled)\n' \
        "$label" "$first" "$done" "${count:-?}" "$pages" "$operation" "$throttled"
}

before=$(served 200) before_429=$(served 429)
open_console "$cold_limit"
cold_pages=$(($(served 200) - before)) cold_429=$(($(served 429) - before_429))
report "first open" "$cold_pages" "$cold_429"
printf '%-12s quota floor for %d pages: %.1f s (burst 6, then 3 a second)\n' "" "$cold_pages" \
    "$(echo "($cold_pages - 6) / 3" | bc -l)"
quit_console

for body in "$work"/changes/*.json; do
    aws securityhub batch-update-findings --endpoint-url "$url" \
        --cli-input-json "file://$body" --output text >/dev/null
done
echo "another writer noted $changes findings"

before=$(served 200) before_429=$(served 429)
open_console 120
report "second open" "$(($(served 200) - before))" "$(($(served 429) - before_429))"
quit_console
