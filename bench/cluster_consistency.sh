#!/bin/sh
# Consistency of a 3-replica cluster: an upload through the balancer searchable on every
# replica (p99 over UPLOADS of the slowest replica, target < 1 s), and an answer cached by
# one replica a hit on the others (target: every one of QUESTIONS x 2 lookups).
# Env: UPLOADS (100), QUESTIONS (30), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/cluster_common.sh"
UPLOADS=${UPLOADS:-100}
QUESTIONS=${QUESTIONS:-30}
bench_begin cluster_consistency "visible on every replica p99 < 1000 ms, every other replica's lookup a shared-cache hit"
bench_require_tools taskset python3 haproxy redis-server
bench_require_executable "$RAGSCALE_BIN"
dir="$BENCH_WORK/cluster"
bench_at_exit "cluster_stop $dir"
cluster_start "$dir" 3 "$(cluster_base_port)"
taskset -c "$CLIENT_CORE" python3 "$BENCH_ROOT/bench/lib/cluster_consistency.py" "$dir" "$RAGSCALE_BIN" "$UPLOADS" \
  "$QUESTIONS" > "$BENCH_WORK/consistency.log" 2>&1 || bench_abort "the driver failed: $(tail -n 2 "$BENCH_WORK/consistency.log")"
figures=$(tail -n 1 "$BENCH_WORK/consistency.log")
echo "$figures"
f() { echo "$figures" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
bench_check "visible on every replica, p99" "$(f visible_p99_ms)" "<" 1000 ms
bench_check "shared-cache hits of the other replicas' lookups" "$(f shared_cache_hits)" "==" "$(f shared_cache_lookups)"
bench_end
