#!/bin/sh
# Soak benchmark: bench/soak.sh [DURATION] (default 1h; e.g. 20m for a shorter run).
#
# Runs the steady mix (bench/soak/steady-mix.yaml) against one ragscale serve in front of
# one ragscale sim for DURATION, in six back-to-back windows (ten minutes each for an
# hour), and samples both processes' resident memory and open descriptors every 10 s.
# The first window is the warm-up. It passes when, after the warm-up:
#   - serve's RSS grows by less than 5% (median of the last window vs the second's),
#   - the /query p95 drifts by less than 10% between the first and the last window,
#   - the descriptor count stays flat (the last window's median within 5% + 4 of the second's),
#   - and no request failed.
# Curves and per-window summaries go to $SOAK_OUT (default a fresh temp dir): samples.csv,
# window-N.json, and soak.json with the verdict. Environment: SOAK_USERS (default 100),
# SERVER_CORE / CLIENT_CORE (default 1 / 0), RAGSCALE_BIN.
set -eu
cd "$(dirname "$0")/.."
. bench/lib/common.sh
DURATION=${1:-1h}
USERS=${SOAK_USERS:-100}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
WINDOWS=6

seconds=$(python3 -c '
import re, sys
m = re.fullmatch(r"(\d+)(s|m|h)", sys.argv[1])
if not m: sys.exit("bench/soak.sh: DURATION must look like 90s, 20m or 1h, not " + repr(sys.argv[1]))
print(int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)])' "$DURATION") || exit 2
window=$((seconds / WINDOWS))
if [ "$window" -lt 20 ]; then
  echo "bench/soak.sh: DURATION must be at least 2m (six windows of 20 s)" >&2
  exit 2
fi

out=${SOAK_OUT:-$(mktemp -d /tmp/ragscale-soak.XXXXXX)}
mkdir -p "$out"
data=$(mktemp -d /tmp/ragscale-soak-data.XXXXXX)
sim_port=$(free_port)
serve_port=$(free_port)
taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" sim --port "$sim_port" --ttft "uniform(150ms, 400ms)" --itl 10ms \
  --output-tokens "uniform(40, 80)" > "$out/sim.log" 2>&1 &
SIM_PID=$!
taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" serve --port "$serve_port" --data "$data" \
  --llm-url "http://127.0.0.1:$sim_port" --load-dir corpus/documents > "$out/serve.log" 2>&1 &
SERVE_PID=$!
SAMPLER_PID=
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2> /dev/null
  kill -TERM "$SERVE_PID" "$SIM_PID" 2> /dev/null
  wait "$SERVE_PID" "$SIM_PID" 2> /dev/null
  rm -rf "$data"
}
trap cleanup EXIT INT TERM
wait_for_url "http://127.0.0.1:$sim_port/health" 200 "$out/sim.log"
wait_for_url "http://127.0.0.1:$serve_port/ready" 600 "$out/serve.log"

# rss_kb PID / fd_count PID: what /proc says now.
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
start=$(date +%s)
(
  echo "seconds,serve_rss_kb,serve_fds,sim_rss_kb,sim_fds"
  while kill -0 "$SERVE_PID" 2> /dev/null; do
    echo "$(($(date +%s) - start)),$(rss_kb "$SERVE_PID"),$(fd_count "$SERVE_PID"),$(rss_kb "$SIM_PID"),$(fd_count "$SIM_PID")"
    sleep 10
  done
) > "$out/samples.csv" &
SAMPLER_PID=$!

echo "soak: $USERS users for $DURATION in $WINDOWS windows of ${window}s; output in $out"
i=1
while [ "$i" -le "$WINDOWS" ]; do
  echo "$(($(date +%s) - start))" > "$out/window-$i.start"
  RAGSCALE_TARGET="http://127.0.0.1:$serve_port" taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" load \
    -f bench/soak/steady-mix.yaml -u "$USERS" -r "$USERS" -t "${window}s" -q --json "$out/window-$i.json" \
    > "$out/window-$i.log" 2>&1 || true
  echo "$(($(date +%s) - start))" > "$out/window-$i.end"
  echo "  window $i of $WINDOWS done: $(tail -1 "$out/window-$i.log")"
  i=$((i + 1))
done
kill "$SAMPLER_PID" 2> /dev/null || true
SAMPLER_PID=

python3 bench/soak/judge.py "$out" "$WINDOWS"
