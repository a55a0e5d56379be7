#!/bin/sh
# Goodput: `ragscale sim --ttft 100ms --itl 5ms --output-tokens 10 --slow-rate 0.2
# --slow-delay 1s` delays 20% of requests by 1 s before their first token; `ragscale load
# --openai --slo 'ttft<500ms'` must report SLO attainment 80% +- 3 (the 95% Wilson
# interval printed beside it), and goodput = good requests/s.
# Env: DURATION seconds (30), USERS (40), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/llm_common.sh"
DURATION=${DURATION:-30}
USERS=${USERS:-40}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin llm_goodput "SLO attainment in [77, 83] %, goodput = attainment x requests/s"
bench_require_tools taskset python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit stop_sim
start_sim "$SERVER_CORE" --ttft 100ms --itl 5ms --output-tokens 10 --slow-rate 0.2 --slow-delay 1s --max-concurrency 256
taskset -c "$CLIENT_CORE" "$LOAD_BIN" load --openai "http://127.0.0.1:$SIM_PORT/v1" --model ragscale-sim \
  -u "$USERS" -t "${DURATION}s" --slo 'ttft<500ms' --csv "$BENCH_WORK/run" -q > "$BENCH_WORK/load.log" 2>&1 \
  || bench_abort "ragscale load failed: $(tail -n 2 "$BENCH_WORK/load.log")"
csv="$BENCH_WORK/run_llm_stats.csv"
attainment=$(llm_csv "$csv" '^SLO Attainment %')
low=$(llm_csv "$csv" 'CI Low')
high=$(llm_csv "$csv" 'CI High')
goodput=$(llm_csv "$csv" '^Goodput')
requests=$(llm_csv "$csv" '^Request Count')
echo "attainment $attainment% (95% Wilson interval $low-$high%), goodput $goodput/s over $requests requests"
bench_check_between "SLO attainment" "$attainment" 77 83 %
bench_check "goodput/s" "$goodput" ">" 0
bench_end
