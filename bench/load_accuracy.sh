#!/bin/sh
# Accuracy of `ragscale load`'s latency numbers, against ragscale-testserver (pinned to
# SERVER_CORE; the generator on CLIENT_CORE):
# 1. A server that answers every request after exactly 20 ms, driven at 500 requests/s in
#    the open model. Target: p50 in [20, 21] ms, p99 in [20, 23] ms.
# 2. A server that stalls for 1 s once (5 s into the run), at about 500 requests/s in the
#    open model and in the closed model (10 users, 20 ms think time). Target: the open
#    model's p99 shows the stall (coordinated omission corrected: p99 >= 500 ms, half the
#    stall; uncorrected it would stay near the 20 ms of a normal answer); the closed
#    model's report says it cannot correct for it.
# Every run must also be free of failed requests.
# Env: DURATION seconds per run (20), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
DURATION=${DURATION:-20}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin load_accuracy "fixed 20 ms: p50 in [20, 21] ms and p99 in [20, 23] ms; 1 s stall: open p99 >= 500 ms, closed report warns; 0 errors"
bench_require_tools taskset python3
bench_require_executable "$LOAD_BIN" "$RAGSCALE_TESTSERVER"
SERVER_PID=
bench_at_exit 'stop_testserver'

# start_testserver FLAGS...: starts the test server on a free port; sets PORT and SERVER_PID.
start_testserver() {
  taskset -c "$SERVER_CORE" "$RAGSCALE_TESTSERVER" --port 0 "$@" > "$BENCH_WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(awk '/listening on/ {print $3}' "$BENCH_WORK/server.log")
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  bench_abort "the test server did not start: $(tail -n 1 "$BENCH_WORK/server.log")"
}

stop_testserver() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
}

describe() {
  json_field "$1" "'p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d requests, %d failed)' % (d['aggregate']['latency_us']['percentiles']['p50'] / 1e3, d['aggregate']['latency_us']['percentiles']['p99'] / 1e3, d['aggregate']['latency_us']['percentiles']['p100'] / 1e3, d['aggregate']['requests'], d['aggregate']['failures'])"
}

start_testserver --delay-ms 20
load_run "$BENCH_WORK/fixed.json" "$BENCH_WORK/fixed.txt" "http://127.0.0.1:$PORT/" --rate 500 -t "${DURATION}s"
stop_testserver
echo "fixed 20 ms server, open model at 500/s: $(describe "$BENCH_WORK/fixed.json")"

start_testserver --stall-at-ms 5000 --stall-for-ms 1000
load_run "$BENCH_WORK/open.json" "$BENCH_WORK/open.txt" "http://127.0.0.1:$PORT/" --rate 500 -t "${DURATION}s"
stop_testserver
echo "1 s stall, open model at 500/s:        $(describe "$BENCH_WORK/open.json")"

start_testserver --stall-at-ms 5000 --stall-for-ms 1000
load_run "$BENCH_WORK/closed.json" "$BENCH_WORK/closed.txt" "http://127.0.0.1:$PORT/" -u 10 -r 10 --wait 20ms \
  -t "${DURATION}s"
stop_testserver
echo "1 s stall, closed model, 10 users:     $(describe "$BENCH_WORK/closed.json")"
warning=$(grep -i -m 1 'coordinated omission' "$BENCH_WORK/closed.txt" || true)
echo "  closed model's report says: ${warning:-nothing about coordinated omission}"

bench_check_between "fixed 20 ms: p50" "$(load_percentile_ms "$BENCH_WORK/fixed.json" p50)" 20 21 ms
bench_check_between "fixed 20 ms: p99" "$(load_percentile_ms "$BENCH_WORK/fixed.json" p99)" 20 23 ms
bench_check "1 s stall, open model: p99" "$(load_percentile_ms "$BENCH_WORK/open.json" p99)" ">=" 500 ms
bench_check_equal "closed model's report warns of coordinated omission:" "$([ -n "$warning" ] && echo yes || echo no)" yes
bench_check "failed requests" "$(($(load_failures "$BENCH_WORK/fixed.json") + $(load_failures "$BENCH_WORK/open.json") + \
  $(load_failures "$BENCH_WORK/closed.json")))" "==" 0
bench_end
