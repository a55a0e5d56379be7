#!/bin/sh
# The cost of a shared-cache (Redis, L2) hit against an in-process (L1) hit: the same
# cached POST /query at a fixed RATE (open model, latency corrected for coordinated
# omission) against two servers, one whose answers come from its own cache, one started
# with --cache redis://... and --cache-entries 0, so every answer is an L2 hit (a GET to
# Redis on loopback, asynchronous on the Redis client's thread). Target: the L2 hit's
# p99 within 1 ms of the L1 hit's, and no failed request.
# Env: DURATION (10s), RATE (1000), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
RATE=${RATE:-1000}
bench_begin serve_cache_l2 "L2 hit p99 within 1 ms of the L1 hit p99 at $RATE req/s, 0 errors"
bench_require_tools taskset curl python3 redis-server
bench_require_executable "$RAGSCALE_BIN" "$LOAD_BIN"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$BENCH_WORK" \
  --logfile "$BENCH_WORK/redis.log" &
REDIS_PID=$!
stop_all() {
  stop_serve
  kill "$REDIS_PID" 2> /dev/null || true
  wait "$REDIS_PID" 2> /dev/null || true
}
bench_at_exit stop_all
body='{"question":"how does vector graph search rank chunks?","max_sources":4}'

# measure LABEL [serve flags...]: prints "p50 p99" in ms of the cached question.
measure() {
  label=$1; shift
  port=$(free_port)
  start_serve "$BENCH_WORK/data-$label" "$port" "$@"
  upload_corpus "$port" 20 5 > /dev/null
  sleep 0.3  # the shared index generation settles (it is read every 100 ms)
  for _ in 1 2; do
    curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/query" > /dev/null ||
      bench_abort "the question to cache was not answered ($label)"
  done
  run_json="$BENCH_WORK/$label.json"
  load_run "$run_json" "$BENCH_WORK/$label.txt" "http://127.0.0.1:$port/query" -X POST \
    --header 'Content-Type: application/json' --body "$body" --rate "$RATE" -t "$DURATION" --threads 1
  metrics=$(curl -s "http://127.0.0.1:$port/metrics")
  echo "$label: $(json_field "$run_json" "'%d requests, %d failed; latency ms: p50 %.3f p99 %.3f' % (d['aggregate']['requests'], d['aggregate']['failures'], *(d['aggregate']['latency_us']['percentiles'][k] / 1000 for k in ('p50', 'p99')))");" \
    "L1 hits $(echo "$metrics" | awk '/^ragscale_cache_hits_total/ {print $2}')," \
    "L2 hits $(echo "$metrics" | awk '/^ragscale_cache_l2_hits_total/ {print $2}')" >&2
  stop_serve
  echo "$(load_percentile_ms "$run_json" p50) $(load_percentile_ms "$run_json" p99) $(load_failures "$run_json")"
}

set -- $(measure l1)
l1_p50=$1; l1_p99=$2; l1_failed=$3
set -- $(measure l2 --cache "redis://127.0.0.1:$redis_port" --cache-entries 0)
l2_p50=$1; l2_p99=$2; l2_failed=$3
echo "L1 hit: p50 $l1_p50 ms, p99 $l1_p99 ms; L2 hit: p50 $l2_p50 ms, p99 $l2_p99 ms"
bench_check "L2 p50 overhead" "$(awk -v a="$l2_p50" -v b="$l1_p50" 'BEGIN {printf "%.3f", a - b}')" "<" 1 ms
bench_check "L2 p99 overhead" "$(awk -v a="$l2_p99" -v b="$l1_p99" 'BEGIN {printf "%.3f", a - b}')" "<" 1 ms
bench_check "errors" "$((l1_failed + l2_failed))" "==" 0
bench_end
