#!/usr/bin/env bash
# Resident memory of the console over a findings store of N findings (default 1,000,000;
# issue 16, bounded memory). The store is generated once, written straight into the file
# by the store_window bench binary (kept under $CARGO_TARGET_DIR/bench-stores/nN), and
# the console is started `--read-only --findings-api asff` (the generated store is the
# ASFF one) with it as its private XDG_CACHE_HOME against
# `secdeck sandbox --listen` holding 100 findings, so its delta sync answers little. Once
# the table is complete, the user scrolls to the end, filters with `/` and groups by
# control; VmRSS / VmHWM of the console process are read from /proc after each.
#
# The console is the release binary built here unless SECDECK_BIN names one.
#
#   CARGO_TARGET_DIR=/work/main/target benches/rss_store.sh [FINDINGS=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
findings=${1:-1000000}
port=${PORT:-4595}
url="http://127.0.0.1:$port"
target=${CARGO_TARGET_DIR:-$PWD/target}
work=$(mktemp -d)
session="secdeck-rss-store-$$"
cache="$target/bench-stores/n$findings"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"

if [ -n "${SECDECK_BIN:-}" ]; then
    bin=$SECDECK_BIN
else
    cargo build --release --quiet
    bin=$target/release/secdeck
fi
generator=$(cargo bench --bench store_window --no-run --message-format=json 2>/dev/null |
    grep -o '"executable":"[^"]*store_window[^"]*"' | tail -1 | cut -d'"' -f4)
[ -x "$generator" ] || { echo "the store_window bench did not build"; exit 1; }
SECDECK_BENCH_STORE="$cache/secdeck" SECDECK_BENCH_ROWS="$findings" "$generator"

"$bin" sandbox --listen "127.0.0.1:$port" --seed-scale 100 >"$work/sandbox.log" 2>&1 &
sandbox=$!
tmux() { command tmux -L "$session" "$@"; }
trap 'set +e; tmux kill-server 2>/dev/null; kill $sandbox 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
    grep -q "listening" "$work/sandbox.log" 2>/dev/null && break
    sleep 0.1
done

tmux new-session -d -s "$session" -x 200 -y 50 \
    "env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench XDG_STATE_HOME=$work/state \
     XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$cache \
     $bin --endpoint-url $url --region us-east-1 --findings-api asff --read-only"
for _ in $(seq 1 600); do
    tmux capture-pane -p -t "$session" | grep -q "complete ·" && break
    sleep 0.2
done
screen=$(tmux capture-pane -p -t "$session")
grep -q "complete ·" <<<"$screen" || { echo "the store did not open:"; echo "$screen"; exit 1; }
shown=$(grep -o "Findings ([0-9]*)" <<<"$screen" | grep -o "[0-9]*" | head -1)
pid=$(pgrep -f "^$bin --endpoint-url $url" | head -1)
[ -n "$pid" ] || { echo "the console is not running:"; echo "$screen"; exit 1; }
rss() {
    printf '%-28s RSS %4.0f MiB (peak %4.0f MiB)\n' "$1" \
        "$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$pid/status")" \
        "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$pid/status")"
}
echo "console over a store of $findings findings (table shows ${shown:-?}):"
rss "opened"
tmux send-keys -t "$session" G
sleep 2
rss "scrolled to the end"
tmux send-keys -t "$session" / b u c k e t - 4 2 Enter
sleep 3
rss "/bucket-42"
tmux send-keys -t "$session" Escape
sleep 1 # apart: an Escape followed at once by a key reads as Alt+key
tmux send-keys -t "$session" C-g
sleep 5
rss "grouped by control"
tmux capture-pane -p -t "$session" | head -12
