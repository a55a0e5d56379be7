#!/bin/sh
# Stability and sensitivity of `ragscale compare`: PAIRS rounds of three short runs against a
# target restarted for each run on the same port: two of the same target (compared: must not
# be called a regression) and one of a target 20% slower (compared with the second: must be).
# TARGET=delay (default): ragscale-testserver answering after 20 ms, the slower one after
#   24 ms; 20 closed-loop users without think time.
# TARGET=sim: ragscale sim streaming 20-token answers with a lognormal TTFT of mean 200 ms
#   (standard deviation 50 ms) and ITL 10 ms, the slower one with TTFT 20% higher (240 ms,
#   60 ms); a new seed for every run; 20 users of `load --openai`.
# Targets: 0 regressions in PAIRS same-target comparisons, PAIRS of PAIRS regressions found.
# Env: PAIRS (10), DURATION seconds per run (8), LIMIT (10%), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
TARGET=${TARGET:-delay}
PAIRS=${PAIRS:-10}
DURATION=${DURATION:-8}
LIMIT=${LIMIT:-10%}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin "compare_stability_$TARGET" "0 of $PAIRS same-target pairs called a regression, $PAIRS of $PAIRS 20%-slower pairs"
bench_require_tools taskset python3 curl
bench_require_executable "$RAGSCALE_BIN" "$RAGSCALE_TESTSERVER"
PORT=$(free_port)
SERVER_PID=
SEED=0
stop_target() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
}
bench_at_exit stop_target

# start_target URL COMMAND...: starts the target on PORT pinned to SERVER_CORE and waits until
# URL answers. The previous run's server sockets may still hold the port (TIME_WAIT) for a
# moment, so a start that finds it in use is retried.
start_target() {
  url=$1; shift
  for _ in $(seq 1 40); do
    taskset -c "$SERVER_CORE" "$@" > "$BENCH_WORK/server.log" 2>&1 &
    SERVER_PID=$!
    wait_for_url "$url" 100 "$BENCH_WORK/server.log" 2> /dev/null && return 0
    grep -q "in use" "$BENCH_WORK/server.log" || break
    stop_target
    sleep 0.5
  done
  bench_abort "the target did not start: $(tail -n 1 "$BENCH_WORK/server.log")"
}

# run_against SLOWER OUT: one run against the target (SLOWER 1: the 20% slower one).
run_against() {
  case "$TARGET" in
    delay)
      delay=20; [ "$1" = 1 ] && delay=24
      start_target "http://127.0.0.1:$PORT/" "$RAGSCALE_TESTSERVER" --port "$PORT" --delay-ms "$delay"
      load_run "$2" "$BENCH_WORK/load.log" "http://127.0.0.1:$PORT/x" -u 20 -r 20 -t "${DURATION}s" --wait 0 ;;
    sim)
      ttft="lognormal(200ms, 50ms)"; [ "$1" = 1 ] && ttft="lognormal(240ms, 60ms)"
      SEED=$((SEED + 1))
      start_target "http://127.0.0.1:$PORT/health" "$RAGSCALE_BIN" sim --port "$PORT" --ttft "$ttft" --itl 10ms \
        --output-tokens 20 --seed "$SEED"
      load_run "$2" "$BENCH_WORK/load.log" --openai "http://127.0.0.1:$PORT/v1" --model ragscale-sim -u 20 -t "${DURATION}s" ;;
    *) bench_abort "TARGET is delay or sim, not '$TARGET'" ;;
  esac
  stop_target
}

# compare_exit BASE NEW: the exit status of ragscale compare (2 ends the benchmark); prints
# to stderr the aggregate's key figure (p50, or TTFT p50 for sim) with its interval, and the
# figures called worse.
KEY_FIGURE=p50
[ "$TARGET" = sim ] && KEY_FIGURE="TTFT p50"
compare_exit() {
  status=0
  "$RAGSCALE_BIN" compare "$1" "$2" --max-regression "$LIMIT" --format json > "$BENCH_WORK/compare.json" \
    2> "$BENCH_WORK/compare.err" || status=$?
  [ "$status" -le 1 ] || bench_abort "ragscale compare failed: $(tail -n 1 "$BENCH_WORK/compare.err")"
  python3 - "$BENCH_WORK/compare.json" "$KEY_FIGURE" >&2 << 'PY'
import json, sys
report = json.load(open(sys.argv[1]))
aggregate = report["names"][-1]
key = next(f for f in aggregate["figures"] if f["figure"] == sys.argv[2])
worse = [f["figure"] for f in aggregate["figures"] if f["verdict"] == "worse"]
print("  %s %+.1f%% [%+.1f%%, %+.1f%%]; worse: %s" % (key["figure"], key["delta_pct"], key["ci"][0], key["ci"][1],
                                                     ", ".join(worse) or "none"))
PY
  echo "$status"
}

false_alarms=0
found=0
for pair in $(seq 1 "$PAIRS"); do
  run_against 0 "$BENCH_WORK/a.json"
  run_against 0 "$BENCH_WORK/b.json"
  run_against 1 "$BENCH_WORK/slower.json"
  # Alternate which of the two same-target runs is the base.
  if [ $((pair % 2)) = 1 ]; then same=$(compare_exit "$BENCH_WORK/a.json" "$BENCH_WORK/b.json")
  else same=$(compare_exit "$BENCH_WORK/b.json" "$BENCH_WORK/a.json"); fi
  slower=$(compare_exit "$BENCH_WORK/b.json" "$BENCH_WORK/slower.json")
  [ "$same" = 1 ] && false_alarms=$((false_alarms + 1))
  [ "$slower" = 1 ] && found=$((found + 1))
  echo "pair $pair: same target exit $same, 20% slower exit $slower"
done
bench_check "same-target pairs called a regression" "$false_alarms" "==" 0
bench_check "20%-slower pairs called a regression" "$found" "==" "$PAIRS"
bench_end
