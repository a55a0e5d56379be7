#!/bin/sh
# What the balancer costs: a cached POST /query at a fixed RATE (open model, latency from
# each intended send time) sent to a cluster's one replica directly and through HAProxy,
# alternating, RUNS times each. Target: p99 through HAProxy within 0.5 ms of the direct
# p99 (medians of the runs). The cluster runs on SERVER_CORE, the load on CLIENT_CORE.
# Env: RUNS (3), RATE (2000), DURATION (10s), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/cluster_common.sh"
RUNS=${RUNS:-3}
RATE=${RATE:-2000}
DURATION=${DURATION:-10s}
bench_begin cluster_haproxy_overhead "cached /query p99 through HAProxy - direct <= 0.5 ms at $RATE req/s"
bench_require_tools taskset curl python3 haproxy redis-server
bench_require_executable "$RAGSCALE_BIN" "$LOAD_BIN"
dir="$BENCH_WORK/cluster"
bench_at_exit "cluster_stop $dir"
port=$(cluster_base_port)
cluster_start "$dir" 1 "$port"
replica=$(json_field "$dir/cluster.json" "[p['port'] for p in d['processes'] if p['role'] == 'replica'][0]")
body='{"question":"how does vector graph search rank chunks?","max_sources":4}'
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$replica/query" > /dev/null ||
  bench_abort "the question to cache was not answered"
direct=; balanced=
for run in $(seq 1 "$RUNS"); do
  for target in direct balanced; do
    if [ "$target" = direct ]; then url="http://127.0.0.1:$replica/query"; else url="http://127.0.0.1:$port/query"; fi
    load_run "$BENCH_WORK/$target-$run.json" "$BENCH_WORK/$target-$run.txt" "$url" -X POST \
      --header 'Content-Type: application/json' --body "$body" --rate "$RATE" -t "$DURATION" --threads 1
    [ "$(load_failures "$BENCH_WORK/$target-$run.json")" = 0 ] || bench_abort "$target run $run had failed requests"
    p99=$(load_percentile_ms "$BENCH_WORK/$target-$run.json" p99)
    p50=$(load_percentile_ms "$BENCH_WORK/$target-$run.json" p50)
    echo "run $run $target: p50 $p50 ms, p99 $p99 ms"
    if [ "$target" = direct ]; then direct="$direct $p99"; else balanced="$balanced $p99"; fi
  done
done
d=$(median $direct)
b=$(median $balanced)
echo "median p99: direct $d ms (runs$direct), through HAProxy $b ms (runs$balanced)"
bench_check "p99 through HAProxy - direct" "$(awk -v a="$b" -v b="$d" 'BEGIN { printf "%.3f", a - b }')" "<=" 0.5 ms
bench_end
