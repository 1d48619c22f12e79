#!/usr/bin/env bash
# Resident memory of the console with N findings loaded (default 100,000): the console
# runs in tmux against `secdeck sandbox --listen` (a separate process, so the sandbox's
# own copy of the findings is not counted), every page is loaded with no local filter,
# then VmRSS / VmHWM of the console process are read from /proc.
#
#   benches/rss_loaded.sh [FINDINGS=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
findings=${1:-100000}
port=${PORT:-4594}
url="http://127.0.0.1:$port"
work=$(mktemp -d)
session="secdeck-rss-$$"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/secdeck
"$bin" sandbox --listen "127.0.0.1:$port" --seed-scale "$findings" >"$work/sandbox.log" 2>&1 &
sandbox=$!
# A private tmux server: an existing one would start the console with its own environment.
tmux() { command tmux -L "$session" "$@"; }
trap 'set +e; tmux kill-server 2>/dev/null; kill $sandbox 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
    grep -q "listening" "$work/sandbox.log" 2>/dev/null && break
    sleep 0.1
done

# The default view shows active NEW/NOTIFIED findings; this filter loads every one.
tmux new-session -d -s "$session" -x 200 -y 50 \
    "env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench XDG_STATE_HOME=$work/state \
     XDG_CONFIG_HOME=$work/config $bin --endpoint-url $url --region us-east-1 --read-only"
sleep 2
tmux send-keys -t "$session" ":findings state=ACTIVE,ARCHIVED" Enter
for _ in $(seq 1 1200); do
    tmux capture-pane -p -t "$session" | grep -q "complete ·" && break
    sleep 0.5
done
screen=$(tmux capture-pane -p -t "$session")
grep -q "complete ·" <<<"$screen" || { echo "the load did not complete:"; echo "$screen"; exit 1; }
loaded=$(grep -o "complete · [0-9]* findings" <<<"$screen" | grep -o "[0-9]*" | head -1)
pid=$(pgrep -f "^$bin --endpoint-url $url" | head -1)
[ -n "$pid" ] || { echo "the console is not running:"; echo "$screen"; exit 1; }
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
printf 'console with %s findings loaded: RSS %.0f MiB (peak %.0f MiB), %.1f KiB a finding\n' \
    "${loaded:-?}" "$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" \
    "$(echo "$rss / ${loaded:-1}" | bc -l)"
