#!/bin/sh
# Scale of `ragscale load`: 15,000 concurrent users with 1-3 s think time, spawned at
# 1,500/s, against nginx (static 200, pinned to SERVER_CORE; the generator on
# CLIENT_CORE). Reports the generator's peak RSS, its errors and the p99 it measured.
# Targets: all USERS running at the peak, peak RSS <= 200 MB, no errors, p99 < 10 ms.
# Env: USERS (15000), SPAWN_RATE (1500), DURATION seconds (40), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
USERS=${USERS:-15000}
SPAWN_RATE=${SPAWN_RATE:-1500}
DURATION=${DURATION:-40}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin load_scale "$USERS users at the peak, peak RSS <= 200 MB, 0 errors, p99 < 10 ms"
bench_require_tools nginx taskset curl python3
bench_require_executable "$LOAD_BIN" /usr/bin/time
bench_at_exit stop_static_nginx

if [ "$(ulimit -n)" -lt $((USERS + 100)) ]; then
  ulimit -n $((USERS + 1000)) 2> /dev/null ||
    bench_abort "needs $((USERS + 100)) open files, the limit is $(ulimit -n) (raise it with ulimit -n)"
fi
port=$(free_port)
start_static_nginx "$BENCH_WORK" "$port" "$SERVER_CORE" $((USERS + 1000))

run_json="$BENCH_WORK/run.json"
/usr/bin/time -f '%M' -o "$BENCH_WORK/rss_kb" taskset -c "$CLIENT_CORE" "$LOAD_BIN" load "http://127.0.0.1:$port/" \
  -u "$USERS" -r "$SPAWN_RATE" --wait 1s..3s -t "${DURATION}s" -q --json "$run_json" > "$BENCH_WORK/report.txt" 2>&1 ||
  bench_abort "ragscale load failed: $(tail -n 1 "$BENCH_WORK/report.txt")"
rss_mb=$(awk '{printf "%.1f", $1 / 1024}' "$BENCH_WORK/rss_kb")
json_field "$run_json" "'requests: %d, failures: %d, errors: %d kinds' % (d['aggregate']['requests'], d['aggregate']['failures'], len(d['errors']))"
json_field "$run_json" "'latency ms: p50 %.3f p95 %.3f p99 %.3f max %.3f' % tuple(d['aggregate']['latency_us']['percentiles'][k] / 1000 for k in ('p50', 'p95', 'p99', 'p100'))"
bench_check "users at the peak" "$(json_field "$run_json" "d['run']['peak_users']")" ">=" "$USERS"
bench_check "generator peak RSS" "$rss_mb" "<=" 200 MB
bench_check "errors" "$(load_failures "$run_json")" "==" 0
bench_check "p99" "$(load_percentile_ms "$run_json" p99)" "<" 10 ms
bench_end
