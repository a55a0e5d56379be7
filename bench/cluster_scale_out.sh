#!/bin/sh
# Scale-out: the capacity (ragscale capacity: the highest arrival rate of distinct
# questions answered in full — the model's answer, not a fallback — with failures < 1% and
# p95 < 2 s) of a cluster of 1 replica and of 3, each replica bounded by its own model
# connection pool (--llm-connections CONNECTIONS), the sim with unlimited slots so the
# model is not the shared limit. Runs alternate 1, 3, 1, 3, ...; the ratio of the medians.
# Target: 3 replicas >= 2.7x the capacity of 1.
# Env: RUNS (3), CONNECTIONS (4), STEP (10s), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/cluster_common.sh"
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-4}
STEP=${STEP:-10s}
bench_begin cluster_scale_out "capacity of 3 replicas >= 2.7x that of 1 at p95 < 2 s"
bench_require_tools taskset python3 haproxy redis-server
bench_require_executable "$RAGSCALE_BIN" "$LOAD_BIN"
dir="$BENCH_WORK/cluster"
bench_at_exit "cluster_stop $dir"
# An answer takes about 0.1 s (50 ms to the first token, 25 tokens 2 ms apart), so a
# replica holding CONNECTIONS model calls at once answers about CONNECTIONS / 0.1 a second:
# rates high enough for each step to hold the samples that decide a 1% error rate.
sim="--sim-arg=--ttft=50ms --sim-arg=--itl=2ms --sim-arg=--output-tokens=25 --sim-arg=--max-concurrency=0"
serve="--llm-connections $CONNECTIONS --llm-limit-initial $CONNECTIONS --llm-limit-min $CONNECTIONS"
ones=; threes=
for run in $(seq 1 "$RUNS"); do
  for n in 1 3; do
    port=$(cluster_base_port)
    # shellcheck disable=SC2086
    cluster_start "$dir" "$n" "$port" --sim $sim -- $serve
    RAGSCALE_TARGET="http://127.0.0.1:$port" taskset -c "$CLIENT_CORE" "$LOAD_BIN" capacity \
      -f "$BENCH_ROOT/bench/lib/full_answers.yaml" --slo 'http_req_failed:rate<0.01' \
      --slo 'http_req_duration:p(95)<2000' --start 10 --step-time "$STEP" --tolerance 5% -q \
      --json "$BENCH_WORK/cap-$n-$run.json" > "$BENCH_WORK/cap-$n-$run.log" 2>&1 ||
      bench_abort "capacity of $n replica(s) failed: $(tail -n 2 "$BENCH_WORK/cap-$n-$run.log")"
    capacity=$(json_field "$BENCH_WORK/cap-$n-$run.json" "d['capacity']")
    echo "run $run: $n replica(s): capacity $capacity full answers/s"
    if [ "$n" = 1 ]; then ones="$ones $capacity"; else threes="$threes $capacity"; fi
    cluster_stop "$dir"
  done
done
one=$(median $ones)
three=$(median $threes)
echo "median capacity: 1 replica $one/s (runs$ones), 3 replicas $three/s (runs$threes)"
bench_check "3 replicas / 1 replica" "$(awk -v a="$three" -v b="$one" 'BEGIN { printf "%.2f", a / b }')" ">=" 2.7 x
bench_end
