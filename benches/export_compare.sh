#!/usr/bin/env bash
# Times `secdeck export findings --format jsonl` against `aws securityhub get-findings` and a
# boto3 paginator, all reading the same findings from `secdeck sandbox --listen` over
# loopback (quotas off). Prints each tool's median wall time and the ratios, with the CPU
# time the tool used and the CPU time the sandbox spent answering it (the sandbox serves
# all three alike, so its share bounds how far apart the wall times can be).
#
#   benches/export_compare.sh [FINDINGS=100000] [RUNS=3]
#
# Needs the AWS CLI and a Python with boto3 (set PYTHON; default: the moto venv the test
# suite installs into target/moto-venv, else python3). Builds the release binary (into
# CARGO_TARGET_DIR when set) unless SECDECK_BIN names one.
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

if [ -n "${SECDECK_BIN:-}" ]; then
    bin=$SECDECK_BIN
else
    cargo build --release --quiet
    bin=${CARGO_TARGET_DIR:-target}/release/secdeck
fi
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

# Each tool as a command line, its output kept for the count check.
secdeck=("$bin" export findings --filter '*' --format jsonl --endpoint-url "$url"
    --output "$work/secdeck.jsonl")
awscli=(aws securityhub get-findings --endpoint-url "$url" --page-size 100 --output json)
boto3=("$python" "$work/paginate.py" "$url" "$work/boto3.jsonl")

# CPU seconds the sandbox has used so far (utime + stime of its process).
sandbox_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$sandbox/stat"
}

# Runs a tool RUNS times; prints the medians of its wall time, its own CPU time
# (user + system) and the sandbox's CPU time while it ran.
medians_of() {
    local name=$1 cmd=("${@:2}")
    for _ in $(seq 1 "$runs"); do
        local before
        before=$(sandbox_cpu)
        /usr/bin/time -f '%e %U %S' -o "$work/time" "${cmd[@]}" >"$work/$name.out" 2>/dev/null
        read -r wall user sys <"$work/time"
        echo "$wall $(echo "$user + $sys" | bc) $(echo "$(sandbox_cpu) - $before" | bc)"
    done >"$work/$name.times"
    local col
    for col in 1 2 3; do
        cut -d' ' -f"$col" "$work/$name.times" | sort -n | awk '{a[NR]=$1} END {printf "%s ", a[int((NR+1)/2)]}'
    done
}

read -r s s_cpu s_box <<<"$(medians_of secdeck "${secdeck[@]}")"
lines=$(wc -l <"$work/secdeck.jsonl")
[ "$lines" -eq "$findings" ] || { echo "secdeck exported $lines of $findings findings" >&2; exit 1; }
read -r a a_cpu a_box <<<"$(medians_of awscli "${awscli[@]}")"
read -r b b_cpu b_box <<<"$(medians_of boto3 "${boto3[@]}")"
[ "$(wc -l <"$work/boto3.jsonl")" -eq "$findings" ] || { echo "boto3 read a different count" >&2; exit 1; }
printf 'findings %d, runs %d (medians: wall time; CPU time of the tool; CPU time of the sandbox)\n' \
    "$findings" "$runs"
row() {
    printf '%-30s %7.2f s  cpu %6.2f s  sandbox cpu %6.2f s%s\n' "$1" "$2" "$3" "$4" "$5"
}
row 'secdeck export --format jsonl' "$s" "$s_cpu" "$s_box" ""
row 'aws securityhub get-findings' "$a" "$a_cpu" "$a_box" \
    "$(printf '  (%.1fx secdeck)' "$(echo "$a / $s" | bc -l)")"
row 'boto3 get_findings paginator' "$b" "$b_cpu" "$b_box" \
    "$(printf '  (%.1fx secdeck)' "$(echo "$b / $s" | bc -l)")"
