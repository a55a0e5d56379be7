# Shared by the llm_* benchmarks: sourced, not run. start_sim CORE ARGS... starts
# `ragscale sim` on a free port pinned to CORE and sets SIM_PORT and SIM_PID;
# llm_csv FILE REGEX... reads a column of PREFIX_llm_stats.csv's Aggregated row.
SIM_PID=
start_sim() {
  core=$1; shift
  taskset -c "$core" "$RAGSCALE_BIN" sim --port 0 "$@" > "$BENCH_WORK/sim.log" 2>&1 &
  SIM_PID=$!
  SIM_PORT=
  for _ in $(seq 1 100); do
    SIM_PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$BENCH_WORK/sim.log" | head -n 1)
    [ -n "$SIM_PORT" ] && return 0
    sleep 0.05
  done
  bench_abort "ragscale sim did not start: $(tail -n 1 "$BENCH_WORK/sim.log")"
}
stop_sim() { [ -z "$SIM_PID" ] || { kill "$SIM_PID" 2> /dev/null; wait "$SIM_PID" 2> /dev/null; SIM_PID=; }; }
llm_csv() { python3 "$BENCH_ROOT/bench/lib/llm_csv.py" "$@"; }
