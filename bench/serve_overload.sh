#!/bin/sh
# Capacity under overload. The sim has 8 generation slots and takes about 0.4 s an answer
# (200 ms to the first token, 40 tokens 5 ms apart), so about 20 full answers a second.
# First C is measured: distinct questions offered at that rate (1x) for DURATION; then 2x
# and 4x C for DURATION each. Targets: full answers/s >= 0.9 C at 2x and 4x; every other
# question answered (a degraded 200, or 429/503 with Retry-After; no other status); p99 of
# all answers < 2 s at 4x; serve's peak RSS at 4x < 2x its peak at 1x. Then the same 4x
# against serve with --fallback off: its refusals (503) are answered in < 10 ms at p99.
# The driver is open-model (latency from each intended send time; bench/lib/rag_driver.py).
# Every question is new, so the answer and retrieval caches fill as the runs go on; they
# are held at 1,000 entries each, which the 1x run already fills, so that the RSS
# comparison measures what overload costs (connections, queues), not the caches filling.
# Env: DURATION (60), NOMINAL (20: the first offered rate), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_sim_common.sh"
DURATION=${DURATION:-60}
NOMINAL=${NOMINAL:-20}
bench_begin serve_overload "full >= 0.9 C at 2x and 4x, all else answered or refused with Retry-After, p99 < 2 s at 4x, RSS 4x < 2x RSS 1x, refusals p99 < 10 ms"
bench_require_tools taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit "stop_serve; stop_sim"
sim_port=$(free_port)
start_sim "$sim_port" --ttft 200ms --itl 5ms --output-tokens 40 --max-concurrency 8 --max-queue 0
port=$(free_port)
caches="--cache-entries 1000 --retrieval-cache-entries 1000"
# shellcheck disable=SC2086
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" $caches
url="http://127.0.0.1:$port"
drive "$BENCH_WORK/1x.json" overload "$url" "$NOMINAL" "$DURATION" "$SERVE_PID"
C=$(json_field "$BENCH_WORK/1x.json" "d['full_per_s']")
for x in 2 4; do
  rate=$(awk -v c="$C" -v x="$x" 'BEGIN { printf "%.1f", c * x }')
  drive "$BENCH_WORK/${x}x.json" overload "$url" "$rate" "$DURATION" "$SERVE_PID"
done
stop_serve
port=$(free_port)
# shellcheck disable=SC2086
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --fallback off $caches
rate=$(awk -v c="$C" 'BEGIN { printf "%.1f", c * 4 }')
drive "$BENCH_WORK/refusals.json" overload "http://127.0.0.1:$port" "$rate" "$DURATION"
f() { json_field "$BENCH_WORK/$1.json" "d['$2']"; }
floor=$(awk -v c="$C" 'BEGIN { printf "%.2f", 0.9 * c }')
echo "C (full answers/s at 1x): $C"
bench_check "full answers/s at 2x" "$(f 2x full_per_s)" ">=" "$floor"
bench_check "full answers/s at 4x" "$(f 4x full_per_s)" ">=" "$floor"
bench_check "other statuses at 2x and 4x" "$(($(f 2x other_statuses) + $(f 4x other_statuses)))" "==" 0
bench_check "refusals without Retry-After" "$(($(f 2x refused_without_retry_after) + $(f 4x refused_without_retry_after) + $(f refusals refused_without_retry_after)))" "==" 0
bench_check "p99 of answers at 4x" "$(f 4x p99_answers_ms)" "<" 2000 ms
rss_ratio=$(awk -v a="$(f 4x peak_rss_mb)" -v b="$(f 1x peak_rss_mb)" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
bench_check "peak RSS 4x / 1x" "$rss_ratio" "<" 2 x
bench_check "p99 of refusals at 4x (fallback off)" "$(f refusals p99_refusals_ms)" "<" 10 ms
bench_end
