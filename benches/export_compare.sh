#!/usr/bin/env bash
# Times `secdeck export findings --format jsonl` against `aws securityhub get-findings` and a
# boto3 paginator, all reading the same findings from `secdeck sandbox --listen` over
# loopback (quotas off). Prints each tool's median wall time and the ratios.
#
#   benches/export_compare.sh [FINDINGS=100000] [RUNS=3]
#
# Needs the AWS CLI and a Python with boto3 (set PYTHON; default: the moto venv the test
# suite installs into target/moto-venv, else python3). Builds the release binary (into
# CARGO_TARGET_DIR when set).
set -euo pipefail
cd "$(dirname "$0")/.."
findings=${1:-100000}
runs=${2:-3}
port=${PORT:-4593}
url="http://127.0.0.1:$port"
python=${PYTHON:-${CARGO_TARGET_DIR:-target}/moto-venv/bin/python}
[ -x "$python" ] || python=python3
work=$(mktemp -d)
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" XDG_STATE_HOME="$work/state"

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/secdeck
"$bin" sandbox --listen "127.0.0.1:$port" --seed-scale "$findings" >"$work/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
    grep -q "listening" "$work/sandbox.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "listening" "$work/sandbox.log" || { cat "$work/sandbox.log"; exit 1; }

cat >"$work/paginate.py" <<'PY'
import json, sys, boto3
hub = boto3.client("securityhub", endpoint_url=sys.argv[1])
with open(sys.argv[2], "w") as out:
    for page in hub.get_paginator("get_findings").paginate(PaginationConfig={"PageSize": 100}):
        for finding in page["Findings"]:
            out.write(json.dumps(finding, default=str) + "\n")
PY

secdeck() { "$bin" export findings --filter '*' --format jsonl --endpoint-url "$url" --output "$work/secdeck.jsonl" 2>/dev/null; }
awscli() { aws securityhub get-findings --endpoint-url "$url" --page-size 100 --output json >"$work/awscli.json"; }
boto3() { "$python" "$work/paginate.py" "$url" "$work/boto3.jsonl"; }

median_of() {
    local tool=$1 times=()
    for _ in $(seq 1 "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$tool"
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

s=$(median_of secdeck)
lines=$(wc -l <"$work/secdeck.jsonl")
[ "$lines" -eq "$findings" ] || { echo "secdeck exported $lines of $findings findings" >&2; exit 1; }
a=$(median_of awscli)
b=$(median_of boto3)
[ "$(wc -l <"$work/boto3.jsonl")" -eq "$findings" ] || { echo "boto3 read a different count" >&2; exit 1; }
printf 'findings %d, runs %d (median wall time)\n' "$findings" "$runs"
printf 'secdeck export --format jsonl  %8.2f s\n' "$s"
printf 'aws securityhub get-findings   %8.2f s  (%.1fx secdeck)\n' "$a" "$(echo "$a / $s" | bc -l)"
printf 'boto3 get_findings paginator   %8.2f s  (%.1fx secdeck)\n' "$b" "$(echo "$b / $s" | bc -l)"
