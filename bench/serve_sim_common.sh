#!/bin/sh
# Shared helpers for the benchmarks of serve in front of `ragscale sim`: sourced, not run.
. "$(dirname "$0")/serve_common.sh"
DRIVER="$BENCH_ROOT/bench/lib/rag_driver.py"

# start_sim PORT [flags...]: the simulator pinned to SERVER_CORE; waits for /health.
# (POSIX sh has no local variables: the helpers' own names start with an underscore.)
start_sim() {
  _sim_port=$1; shift
  taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" sim --port "$_sim_port" "$@" > "$BENCH_WORK/sim-$_sim_port.log" 2>&1 &
  SIM_PID=$!
  wait_for_url "http://127.0.0.1:$_sim_port/health" 200 "$BENCH_WORK/sim-$_sim_port.log" ||
    bench_abort "ragscale sim did not start"
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
  _serve_port=$1; shift
  start_serve "$BENCH_WORK/data-$_serve_port" "$_serve_port" --load-dir "$BENCH_ROOT/corpus/documents" "$@"
  for _ in $(seq 1 600); do
    _queued=$(curl -s "http://127.0.0.1:$_serve_port/metrics" | awk '/^ragscale_ingestion_queue /{print $2}')
    [ "$_queued" = 0 ] && return 0
    sleep 0.1
  done
  bench_abort "the sample corpus was not ingested in time"
}

# drive OUTPUT ARGS...: runs the driver pinned to CLIENT_CORE; its JSON figures go to OUTPUT.
drive() {
  _out=$1; shift
  taskset -c "$CLIENT_CORE" python3 "$DRIVER" "$@" > "$_out.log" 2>&1 || bench_abort "driver $1 failed: $(tail -n 2 "$_out.log")"
  tail -n 1 "$_out.log" > "$_out"
  cat "$_out"
}
