#!/bin/sh
# A model outage through ragscale serve: 50 users ask distinct questions; 10 s in, the
# sim fails every call (MODE error: 503) or accepts every call and never answers (MODE
# hang, with --llm-timeout 5s); 30 s later it heals. Targets: the breaker opens within
# 5 s (error) or 10 s (hang: calls must time out first) of the outage's start; while it
# is open every answer is a fast degraded 200 (p99 < 1 s) and the backend sees at most
# 2 calls/s (probes); full answers return within 30 s of the heal; user-visible errors
# under 1%; in hang mode no answer waits past its deadline (5 s, +1.5 s slack).
# Usage: bench/serve_outage.sh [error|hang]   Env: USERS (50), SERVER_CORE, CLIENT_CORE.
set -eu
. "$(dirname "$0")/serve_sim_common.sh"
MODE=${1:-error}
USERS=${USERS:-50}
case "$MODE" in
  error) open_bound=5; extra= ;;
  hang) open_bound=10; extra="--llm-timeout 5s" ;;
  *) echo "usage: $0 [error|hang]" >&2; exit 2 ;;
esac
bench_begin "serve_outage_$MODE" "open <= $open_bound s, p99 open < 1 s, <= 2 backend calls/s open, recovery <= 30 s, errors < 1%"
bench_require_tools taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit "stop_serve; stop_sim"
sim_port=$(free_port); port=$(free_port)
start_sim "$sim_port" --ttft 100ms --itl 5ms --output-tokens 30 --max-concurrency 256
# shellcheck disable=SC2086
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --llm-connections 256 $extra
drive "$BENCH_WORK/figures.json" outage "http://127.0.0.1:$port" "http://127.0.0.1:$sim_port" "$MODE" "$USERS"
f="$BENCH_WORK/figures.json"
field() { json_field "$f" "'' if d['$1'] is None else d['$1']"; }
bench_check "breaker open after" "$(field open_after_s)" "<=" "$open_bound" s
bench_check "p99 while open" "$(field p99_while_open_ms)" "<" 1000 ms
bench_check "backend calls while open" "$(field backend_calls_per_s_while_open)" "<=" 2 "/s"
bench_check "full answers after the heal" "$(field recovered_after_s)" "<=" 30 s
bench_check "user-visible errors" "$(field error_percent)" "<" 1 %
[ "$MODE" = hang ] && bench_check "slowest answer" "$(field slowest_s)" "<=" 6.5 s
bench_end
