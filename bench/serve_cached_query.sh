#!/bin/sh
# A cached POST /query at a fixed 5,000 requests/s (open model, latency corrected for
# coordinated omission) with the project's load generator: p99 target < 2 ms, with no
# failed request and no arrival dropped (else the p99 would not be the one at 5,000/s).
# The server runs on SERVER_CORE, the load generator on CLIENT_CORE.
# LOAD_BIN: a ragscale binary with the load subcommand (default: RAGSCALE_BIN).
# Env: DURATION (10s), RATE (5000), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
RATE=${RATE:-5000}
bench_begin serve_cached_query "p99 < 2 ms at $RATE req/s, 0 errors, 0 dropped arrivals"
bench_require_tools taskset curl python3
bench_require_executable "$RAGSCALE_BIN" "$LOAD_BIN"
bench_at_exit stop_serve
port=$(free_port)
start_serve "$BENCH_WORK/data" "$port"
upload_corpus "$port" 20 5 > /dev/null
body='{"question":"how does vector graph search rank chunks?","max_sources":4}'
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/query" > /dev/null ||
  bench_abort "the question to cache was not answered"
run_json="$BENCH_WORK/run.json"
load_run "$run_json" "$BENCH_WORK/run.txt" "http://127.0.0.1:$port/query" -X POST \
  --header 'Content-Type: application/json' --body "$body" --rate "$RATE" -t "$DURATION" --threads 1
json_field "$run_json" "'%d requests, %d failed, %d arrivals dropped; latency ms: p50 %.3f p99 %.3f p99.9 %.3f max %.3f' % (d['aggregate']['requests'], d['aggregate']['failures'], d['counters']['dropped'], *(d['aggregate']['latency_us']['percentiles'][k] / 1000 for k in ('p50', 'p99', 'p99.9', 'p100')))"
echo "cache hits: $(curl -s "http://127.0.0.1:$port/metrics" | awk '/^ragscale_cache_hits_total/ {print $2}')"
bench_check "p99" "$(load_percentile_ms "$run_json" p99)" "<" 2 ms
bench_check "errors" "$(load_failures "$run_json")" "==" 0
bench_check "dropped arrivals" "$(json_field "$run_json" "d['counters']['dropped']")" "==" 0
bench_end
