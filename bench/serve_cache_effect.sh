#!/bin/sh
# The cache's effect on an LLM-bound service: a question mix with 65% repeats at rising
# open-model rates against a model with 8 generation slots (~0.4 s an answer, so about
# 20 answers/s); the figure of each run is the highest answers/s (full answers, none
# failed) at which p95 stays under 3 s. Target: with the cache at least 2.5x the figure
# with it off (--cache-entries 0; coalescing stays on in both).
# Env: SECONDS_PER_STEP (30: long enough for a backlog to show in p95), RATES (15,20,...,70), SERVER_CORE,
# CLIENT_CORE.
set -eu
. "$(dirname "$0")/serve_sim_common.sh"
SECONDS_PER_STEP=${SECONDS_PER_STEP:-30}
RATES=${RATES:-15,20,25,30,35,40,45,50,55,60,65,70}
bench_begin serve_cache_effect "answers/s within p95 < 3 s with the cache >= 2.5x without"
bench_require_tools taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit "stop_serve; stop_sim"
sim_port=$(free_port)
start_sim "$sim_port" --ttft 200ms --itl 10ms --output-tokens 20 --max-concurrency 8
for cache in off on; do
  port=$(free_port)
  if [ "$cache" = off ]; then flags="--cache-entries 0"; else flags=; fi
  # shellcheck disable=SC2086
  start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --llm-connections 64 --llm-queue 4096 \
    --llm-timeout 60s $flags
  drive "$BENCH_WORK/$cache.json" cache-effect "http://127.0.0.1:$port" "$RATES" "$SECONDS_PER_STEP"
  stop_serve
done
off=$(json_field "$BENCH_WORK/off.json" "d['answers_per_s_within_p95_3s']")
on=$(json_field "$BENCH_WORK/on.json" "d['answers_per_s_within_p95_3s']")
echo "answers/s within p95 < 3 s: cache off $off, cache on $on"
ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "" }')
bench_check "cache on / off" "$ratio" ">=" 2.5 x
bench_end
