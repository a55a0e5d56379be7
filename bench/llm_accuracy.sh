#!/bin/sh
# Accuracy of `ragscale load`'s streaming figures (--openai) against `ragscale sim --ttft
# 300ms --itl 20ms --output-tokens 50` (sim on SERVER_CORE, generator on CLIENT_CORE), with
# an independent client (bench/lib/sse_probe.py: Python's http.client reading the SSE
# lines) measuring the same kind of streams from the same sim in the same run.
# Targets: TTFT p50 within 2% of 300 ms, ITL p50 within 5% of 20 ms, and both within 3%
# of the independent client's; no failed request.
# Env: DURATION seconds (20), USERS (20), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/llm_common.sh"
DURATION=${DURATION:-20}
USERS=${USERS:-20}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin llm_accuracy "TTFT p50 in [294, 306] ms, ITL p50 in [19, 21] ms, both within 3% of an independent client's, 0 failures"
bench_require_tools taskset python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit stop_sim
start_sim "$SERVER_CORE" --ttft 300ms --itl 20ms --output-tokens 50 --max-concurrency 256
python3 "$BENCH_ROOT/bench/lib/sse_probe.py" "$SIM_PORT" "$DURATION" 2 > "$BENCH_WORK/probe.json" &
PROBE_PID=$!
taskset -c "$CLIENT_CORE" "$LOAD_BIN" load --openai "http://127.0.0.1:$SIM_PORT/v1" --model ragscale-sim \
  -u "$USERS" -t "${DURATION}s" --csv "$BENCH_WORK/run" -q > "$BENCH_WORK/load.log" 2>&1 \
  || bench_abort "ragscale load failed: $(tail -n 2 "$BENCH_WORK/load.log")"
wait "$PROBE_PID" || bench_abort "the independent client failed"
csv="$BENCH_WORK/run_llm_stats.csv"
ttft=$(llm_csv "$csv" '^TTFT 50%')
itl=$(llm_csv "$csv" '^ITL 50%')
failures=$(llm_csv "$csv" '^Failure Count')
probe_ttft=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ttft_p50_ms"])' "$BENCH_WORK/probe.json")
probe_itl=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["itl_p50_ms"])' "$BENCH_WORK/probe.json")
echo "ragscale load: TTFT p50 $ttft ms, ITL p50 $itl ms; independent client: $(cat "$BENCH_WORK/probe.json")"
diff_pct() { awk -v a="$1" -v b="$2" 'BEGIN { d = (a - b) / b * 100; print d < 0 ? -d : d }'; }
bench_check_between "TTFT p50" "$ttft" 294 306 ms
bench_check_between "ITL p50" "$itl" 19 21 ms
bench_check "TTFT p50 vs the independent client ($probe_ttft ms)" "$(diff_pct "$ttft" "$probe_ttft")" "<=" 3 %
bench_check "ITL p50 vs the independent client ($probe_itl ms)" "$(diff_pct "$itl" "$probe_itl")" "<=" 3 %
bench_check_equal "failures" "$failures" "0.0"
bench_end
