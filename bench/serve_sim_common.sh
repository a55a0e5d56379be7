#!/bin/sh
# Shared helpers for the benchmarks of serve in front of `ragscale sim`: sourced, not run.
. "$(dirname "$0")/serve_common.sh"
DRIVER="$BENCH_ROOT/bench/lib/rag_driver.py"

# start_sim PORT [flags...]: the simulator pinned to SERVER_CORE; waits for /health.
start_sim() {
  port=$1; shift
  taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" sim --port "$port" "$@" > "$BENCH_WORK/sim-$port.log" 2>&1 &
  SIM_PID=$!
  wait_for_url "http://127.0.0.1:$port/health" 200 "$BENCH_WORK/sim-$port.log" || bench_abort "ragscale sim did not start"
}

stop_sim() {
  [ -n "${SIM_PID:-}" ] || return 0
  kill -TERM "$SIM_PID" 2> /dev/null
  wait "$SIM_PID" 2> /dev/null
  SIM_PID=
}

# start_serve_with_corpus PORT [flags...]: serve on a fresh data dir with the project's
# sample corpus, ready and ingested.
start_serve_with_corpus() {
  port=$1; shift
  start_serve "$BENCH_WORK/data-$port" "$port" --load-dir "$BENCH_ROOT/corpus/documents" "$@"
  for _ in $(seq 1 600); do
    queued=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^ragscale_ingestion_queue /{print $2}')
    [ "$queued" = 0 ] && return 0
    sleep 0.1
  done
  bench_abort "the sample corpus was not ingested in time"
}

# drive OUTPUT ARGS...: runs the driver pinned to CLIENT_CORE; its JSON figures go to OUTPUT.
drive() {
  out=$1; shift
  taskset -c "$CLIENT_CORE" python3 "$DRIVER" "$@" > "$out.log" 2>&1 || bench_abort "driver $1 failed: $(tail -n 2 "$out.log")"
  tail -n 1 "$out.log" > "$out"
  cat "$out"
}
