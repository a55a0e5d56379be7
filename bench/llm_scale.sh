#!/bin/sh
# Scale: 10,000 concurrent streams from one generator core. `ragscale sim --ttft 1s --itl
# ITL_MS --output-tokens 10 --max-concurrency 0` on SERVER_CORE; `ragscale load --openai
# -u 10000 --threads 1` on CLIENT_CORE. At 400 ms (25,000 events/s) the sim itself falls
# behind on one core (its TTFT p50 reaches 1.7 s and an independent client sees the same
# ITL p99 as the generator), so the default is 1 s: 10,000 events/s.
# Targets: 10,000 users streaming at once; the generator's peak RSS (VmHWM) <= 300 MB;
# its ITL p99 within 10% of the sim's configured ITL; no failure. An independent client
# (bench/lib/sse_probe.py on the generator's core) reports what it saw of the same sim.
# Env: DURATION seconds (40), USERS (10000), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/llm_common.sh"
DURATION=${DURATION:-40}
USERS=${USERS:-10000}
ITL_MS=${ITL_MS:-1000}
ITL_LIMIT=$((ITL_MS * 11 / 10))
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin llm_scale "$USERS streams at once, generator RSS <= 300 MB, ITL p99 <= $ITL_LIMIT ms ($ITL_MS ms configured), 0 failures"
bench_require_tools taskset python3
bench_require_executable "$RAGSCALE_BIN"
ulimit -n 20000 2> /dev/null || bench_abort "cannot raise the open-file limit to 20000 (ulimit -n)"
bench_at_exit stop_sim
start_sim "$SERVER_CORE" --ttft 1s --itl "${ITL_MS}ms" --output-tokens 10 --max-concurrency 0 --max-connections 20000
taskset -c "$CLIENT_CORE" "$LOAD_BIN" load --openai "http://127.0.0.1:$SIM_PORT/v1" --model ragscale-sim \
  -u "$USERS" -r 2500 -t "${DURATION}s" --threads 1 --csv "$BENCH_WORK/run" --json "$BENCH_WORK/run.json" -q \
  > "$BENCH_WORK/load.log" 2>&1 &
LOAD_PID=$!
# The same streams seen by an independent client on the generator's core, once all users run.
(sleep 8; taskset -c "$CLIENT_CORE" python3 "$BENCH_ROOT/bench/lib/sse_probe.py" "$SIM_PORT" $((DURATION - 12)) 2) \
  > "$BENCH_WORK/probe.json" &
PROBE_PID=$!
rss_kb=0
while kill -0 "$LOAD_PID" 2> /dev/null; do
  now=$(awk '/VmHWM/ {print $2}' "/proc/$LOAD_PID/status" 2> /dev/null || echo 0)
  [ -n "$now" ] && [ "$now" -gt "$rss_kb" ] && rss_kb=$now
  sleep 0.5
done
wait "$PROBE_PID" || true
wait "$LOAD_PID" || bench_abort "ragscale load failed: $(tail -n 2 "$BENCH_WORK/load.log")"
csv="$BENCH_WORK/run_llm_stats.csv"
itl99=$(llm_csv "$csv" '^ITL 99%')
itl50=$(llm_csv "$csv" '^ITL 50%')
failures=$(llm_csv "$csv" '^Failure Count')
streams=$(llm_csv "$csv" '^Stream Count')
peak=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"]["peak_users"])' "$BENCH_WORK/run.json")
rss_mb=$(awk -v kb="$rss_kb" 'BEGIN { printf "%.1f", kb / 1024 }')
echo "independent client: $(cat "$BENCH_WORK/probe.json")"
echo "peak users $peak, streams $streams, ITL p50 $itl50 ms p99 $itl99 ms, generator peak RSS $rss_mb MB"
bench_check "concurrent users" "$peak" ">=" "$USERS"
bench_check "generator peak RSS" "$rss_mb" "<=" 300 MB
bench_check "ITL p99" "$itl99" "<=" "$ITL_LIMIT" ms
bench_check_equal "failures" "$failures" "0.0"
bench_end
