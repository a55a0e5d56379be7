#!/bin/sh
# Coalescing: 100 concurrent copies of one new question must cost exactly one chat
# completion at the backend (counted by the sim's own metrics) and get 100 identical,
# full answers. The model takes 800 ms to its first token, so every copy arrives while
# the first is in flight.
# Env: N (100), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_sim_common.sh"
N=${N:-100}
bench_begin serve_coalescing "$N concurrent copies -> 1 backend call, $N identical full answers"
bench_require_tools taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit "stop_serve; stop_sim"
sim_port=$(free_port); port=$(free_port)
start_sim "$sim_port" --ttft 800ms --itl 5ms --output-tokens 20 --max-concurrency 256
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --llm-connections 256
drive "$BENCH_WORK/figures.json" coalesce "http://127.0.0.1:$port" "http://127.0.0.1:$sim_port" "$N"
f="$BENCH_WORK/figures.json"
bench_check "backend chat calls" "$(json_field "$f" "int(d['backend_calls'])")" "==" 1
bench_check "answered 200" "$(json_field "$f" "d['answered']")" "==" "$N"
bench_check "distinct answers" "$(json_field "$f" "d['distinct_answers']")" "==" 1
bench_check "degraded answers" "$(json_field "$f" "d['degraded']")" "==" 0
bench_end
