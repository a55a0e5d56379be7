#!/bin/sh
# Accuracy of `ragscale load`'s latency numbers, against ragscale-testserver (pinned to
# SERVER_CORE; the generator on CLIENT_CORE):
# 1. A server that answers every request after exactly 20 ms, driven at 500 requests/s in
#    the open model. Target: p50 in [20, 21] ms, p99 in [20, 23] ms.
# 2. A server that stalls for 1 s once (5 s into the run), at about 500 requests/s in the
#    open model and in the closed model (10 users, 20 ms think time). Target: the open
#    model's p99 shows the stall (coordinated omission corrected); the closed model's
#    report says it cannot correct for it.
# Env: DURATION seconds per run (20), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
DURATION=${DURATION:-20}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
work=$(mktemp -d)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2> /dev/null; rm -rf "$work"' EXIT

# start_testserver FLAGS...: starts the test server on a free port; sets PORT and SERVER_PID.
start_testserver() {
  taskset -c "$SERVER_CORE" "$RAGSCALE_TESTSERVER" --port 0 "$@" > "$work/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(awk '/listening on/ {print $3}' "$work/server.log")
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  echo "test server did not start" >&2
  return 1
}

stop_testserver() {
  kill "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
}

percentiles="'p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d requests)' % (d['aggregate']['latency_us']['percentiles']['p50'] / 1e3, d['aggregate']['latency_us']['percentiles']['p99'] / 1e3, d['aggregate']['latency_us']['percentiles']['p100'] / 1e3, d['aggregate']['requests'])"

start_testserver --delay-ms 20
taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" load "http://127.0.0.1:$PORT/" --rate 500 -t "${DURATION}s" -q \
  --json "$work/fixed.json" > /dev/null 2>&1
stop_testserver
echo "fixed 20 ms server, open model at 500/s: $(json_field "$work/fixed.json" "$percentiles")"
echo "  (target: p50 in [20, 21] ms, p99 in [20, 23] ms)"

start_testserver --stall-at-ms 5000 --stall-for-ms 1000
taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" load "http://127.0.0.1:$PORT/" --rate 500 -t "${DURATION}s" -q \
  --json "$work/open.json" > /dev/null 2>&1
stop_testserver
echo "1 s stall, open model at 500/s:        $(json_field "$work/open.json" "$percentiles")"

start_testserver --stall-at-ms 5000 --stall-for-ms 1000
taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" load "http://127.0.0.1:$PORT/" -u 10 -r 10 --wait 20ms -t "${DURATION}s" \
  -q --json "$work/closed.json" > "$work/closed.txt" 2> /dev/null
stop_testserver
echo "1 s stall, closed model, 10 users:     $(json_field "$work/closed.json" "$percentiles")"
echo "  closed model's report says: $(grep -i 'coordinated omission' "$work/closed.txt")"
