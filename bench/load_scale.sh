#!/bin/sh
# Scale of `ragscale load`: 15,000 concurrent users with 1-3 s think time, spawned at
# 1,500/s, against nginx (static 200, pinned to SERVER_CORE; the generator on
# CLIENT_CORE). Reports the generator's peak RSS, its errors and the p99 it measured.
# Targets: peak RSS <= 200 MB, no errors, p99 < 10 ms.
# Env: USERS (15000), SPAWN_RATE (1500), DURATION seconds (40), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
USERS=${USERS:-15000}
SPAWN_RATE=${SPAWN_RATE:-1500}
DURATION=${DURATION:-40}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
work=$(mktemp -d)
trap 'stop_static_nginx; rm -rf "$work"' EXIT

if [ "$(ulimit -n)" -lt $((USERS + 100)) ]; then
  ulimit -n $((USERS + 1000)) 2> /dev/null || {
    echo "load_scale.sh: needs $((USERS + 100)) open files, the limit is $(ulimit -n) (raise it with ulimit -n)" >&2
    exit 2
  }
fi
port=$(free_port)
start_static_nginx "$work" "$port" "$SERVER_CORE" $((USERS + 1000))

/usr/bin/time -f '%M' -o "$work/rss_kb" taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" load "http://127.0.0.1:$port/" \
  -u "$USERS" -r "$SPAWN_RATE" --wait 1s..3s -t "${DURATION}s" -q --json "$work/run.json" > "$work/report.txt" 2>&1
rss_mb=$(awk '{printf "%.1f", $1 / 1024}' "$work/rss_kb")
json_field "$work/run.json" "'users (peak): %d' % d['run']['peak_users']"
json_field "$work/run.json" "'requests: %d, failures: %d, errors: %d kinds' % (d['aggregate']['requests'], d['aggregate']['failures'], len(d['errors']))"
json_field "$work/run.json" "'latency ms: p50 %.3f p95 %.3f p99 %.3f max %.3f' % tuple(d['aggregate']['latency_us']['percentiles'][k] / 1000 for k in ('p50', 'p95', 'p99', 'p100'))"
echo "generator peak RSS: $rss_mb MB (target <= 200 MB)"
