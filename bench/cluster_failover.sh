#!/bin/sh
# Failover: kill -9 of one replica of 3 during steady load through the balancer (closed
# model, USERS users, for DURATION s, the kill at KILL_AT s), with a document uploaded
# every 100 ms. Targets: failed requests < 0.5% of the run; HAProxy stops routing to the
# replica within 2 s; no acknowledged upload lost; the replica the keeper starts again
# rejoins with the current index. Runs RUNS times; the worst run is reported.
# Env: RUNS (3), DURATION (20), KILL_AT (7), USERS (32), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/cluster_common.sh"
RUNS=${RUNS:-3}
DURATION=${DURATION:-20}
KILL_AT=${KILL_AT:-7}
USERS=${USERS:-32}
bench_begin cluster_failover "failed < 0.5%, routing stopped <= 2 s, 0 acknowledged uploads lost, rejoined with the current index"
bench_require_tools taskset python3 haproxy redis-server
bench_require_executable "$RAGSCALE_BIN"
dir="$BENCH_WORK/cluster"
bench_at_exit "cluster_stop $dir"
worst_rate=0; worst_stop=0; lost=0; stale=0
for run in $(seq 1 "$RUNS"); do
  port=$(cluster_base_port)
  cluster_start "$dir" 3 "$port"
  python3 "$BENCH_ROOT/bench/lib/cluster_failover.py" "$dir" "$RAGSCALE_BIN" "$DURATION" "$KILL_AT" "$USERS" \
    "$CLIENT_CORE" > "$BENCH_WORK/failover-$run.log" 2>&1 || bench_abort "the failover driver failed: $(tail -n 2 "$BENCH_WORK/failover-$run.log")"
  figures=$(tail -n 1 "$BENCH_WORK/failover-$run.log")
  echo "run $run: $figures"
  f() { echo "$figures" | python3 -c "import json,sys; v=json.load(sys.stdin)['$1']; print(v if v is not None else 999)"; }
  worst_rate=$(awk -v a="$worst_rate" -v b="$(f failure_rate)" 'BEGIN { print (b > a ? b : a) }')
  worst_stop=$(awk -v a="$worst_stop" -v b="$(f routing_stopped_s)" 'BEGIN { printf "%.3f", (b > a ? b : a) }')
  lost=$((lost + $(f uploads_lost)))
  [ "$(f current_index)" = True ] || stale=$((stale + 1))
  cluster_stop "$dir"
done
bench_check "failed requests (worst run)" "$(awk -v r="$worst_rate" 'BEGIN { printf "%.4f", r * 100 }')" "<" 0.5 %
bench_check "routing stopped after the kill (worst run)" "$worst_stop" "<=" 2 s
bench_check "acknowledged uploads lost" "$lost" "==" 0
bench_check "restarted replicas without the current index" "$stale" "==" 0
bench_end
