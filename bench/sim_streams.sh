#!/usr/bin/env bash
# Benchmark of `ragscale sim` streaming: streamed tokens per second and 10,000 concurrent
# open streams, with the simulator pinned to one core and the client on another.
#
# Usage: bench/sim_streams.sh [BUILD_DIR]   (default: build; needs BUILD_DIR/ragscale and
#        BUILD_DIR/libragscale_core.a from a Release build)
# Env:   SERVER_CPU (default 0), CLIENT_CPU (default 1), SECONDS_PER_RUN (default 20)
#
# Scenarios (closed loop: each finished stream is replaced at once):
#   throughput  1,000 streams, ttft 100ms, itl 5ms, 200 tokens   (demand ~180,000 tokens/s)
#   streams10k  10,000 streams, ttft 300ms, itl 400ms, 40 tokens (demand 25,000 tokens/s)
# For each: the client's steady tokens/s, streams open at once (client and the most the
# server's own gauge showed, sampled twice a second after the ramp), time to first token
# p50/p99 as the client saw it, errors, and the server's CPU time (user+system) per second
# of run and per token.
# Targets (docs/benchmarks/sim.md): throughput >= 20,000 streamed tokens/s; 10,000
# streams open at once on the server; TTFT p50 within 5% of the configured 300 ms while
# slots are free (streams10k); no stream failed in either scenario.
set -euo pipefail

. "$(dirname "$0")/lib/common.sh"
ROOT="$BENCH_ROOT"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
bench_begin sim_streams ">= 20,000 tokens/s, 10,000 streams open on the server, TTFT p50 within 5% of 300 ms, 0 errors"
bench_require_tools g++ taskset curl
[[ -d "${1:-$ROOT/build}" ]] || bench_abort "${1:-$ROOT/build} not found; build it first (make build)"
BUILD_DIR="$(cd "${1:-$ROOT/build}" && pwd)"
BIN="$BUILD_DIR/ragscale"
CLIENT="$BUILD_DIR/sim_stream_client"
bench_require_executable "$BIN"
[[ -f "$BUILD_DIR/libragscale_core.a" ]] || bench_abort "$BUILD_DIR/libragscale_core.a not found (make build)"

if [[ ! -x "$CLIENT" || "$ROOT/bench/sim_stream_client.cpp" -nt "$CLIENT" || "$BUILD_DIR/libragscale_core.a" -nt "$CLIENT" ]]; then
  g++ -O2 -std=c++20 -Wall -Wextra -I"$ROOT/src" "$ROOT/bench/sim_stream_client.cpp" "$BUILD_DIR/libragscale_core.a" \
    -lhttp_parser -lyaml-cpp -lsqlite3 -lssl -lcrypto -lpthread -o "$CLIENT" || bench_abort "sim_stream_client did not build"
fi
SIM_PID=
bench_at_exit '[[ -z "$SIM_PID" ]] || kill -TERM "$SIM_PID"'

# summary_field SUMMARY KEY: the value of KEY=VALUE in the client's summary line.
summary_field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<" $1"; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
  local name="$1" streams="$2" ttft="$3" itl="$4" tokens="$5" ramp="$6"
  local log="$BENCH_WORK/$name.log"
  taskset -c "$SERVER_CPU" "$BIN" sim --port 0 --ttft "$ttft" --itl "$itl" --max-concurrency 0 \
    --output-tokens 100000 --max-connections 20000 >"$log" 2>&1 &
  SIM_PID=$!
  local pid=$SIM_PID
  local port=""
  for _ in $(seq 50); do
    port="$(grep -o 'listening on http://[^:]*:[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || bench_abort "ragscale sim did not start: $(tail -n 1 "$log")"
  local ticks_before ticks_after hz started ended
  hz="$(getconf CLK_TCK)"
  ticks_before="$(cpu_ticks "$pid")"
  started="$(date +%s.%N)"
  # The server's own view of open streams: the most its gauge showed over the steady
  # part (after the ramp), sampled twice a second.
  ( sleep "$((ramp + 2))"
    for _ in $(seq $((2 * (SECONDS_PER_RUN - ramp - 3)))); do
      curl -s "http://127.0.0.1:$port/metrics" | awk '/^ragscale_sim_active_streams / {print $2}' || true
      sleep 0.5
    done | sort -g | tail -n 1 >"$log.gauge" ) &
  local sampler=$!
  local summary
  summary="$(taskset -c "$CLIENT_CPU" "$CLIENT" --port "$port" --streams "$streams" --seconds "$SECONDS_PER_RUN" \
    --ramp-seconds "$ramp" --max-tokens "$tokens" | tail -1)"
  ended="$(date +%s.%N)"
  ticks_after="$(cpu_ticks "$pid")"
  wait "$sampler" 2>/dev/null || true
  local rss server_ttft gauge
  rss="$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')"
  gauge="$(cat "$log.gauge" 2>/dev/null || true)"
  # Mean time to first token as the server scheduled it (from its request handler to the write).
  server_ttft="$(curl -s "http://127.0.0.1:$port/metrics" | awk '
    /^ragscale_sim_time_to_first_token_seconds_sum/ { sum = $2 }
    /^ragscale_sim_time_to_first_token_seconds_count/ { count = $2 }
    END { if (count > 0) printf "%.1f", 1000 * sum / count; else print "n/a" }')"
  kill -TERM "$pid"
  wait "$pid" || true
  SIM_PID=
  [[ "$summary" == summary:* ]] || bench_abort "sim_stream_client printed no summary for $name"
  local tokens_per_s
  tokens_per_s="$(summary_field "$summary" steady_tokens_per_s)"
  awk -v name="$name" -v ticks="$((ticks_after - ticks_before))" -v hz="$hz" -v start="$started" -v end="$ended" \
      -v tps="$tokens_per_s" -v rss="$rss" -v server_ttft="$server_ttft" -v gauge="${gauge:-n/a}" -v s="$summary" \
      'BEGIN { cpu = ticks / hz; wall = end - start;
               printf "%s: %s\n  server: active_streams gauge at most %s after the ramp, mean ttft %s ms, cpu %.2f s over %.1f s (%.0f%% of one core), %.1f us cpu per streamed token, peak RSS %.0f MB\n",
                      name, s, gauge, server_ttft, cpu, wall, 100 * cpu / wall, (tps > 0 ? 1e6 * (cpu / wall) / tps : 0), rss / 1024 }'
  RUN_SUMMARY="$summary"
  RUN_GAUGE="$gauge"
}

echo "ragscale sim streaming benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg))"
run throughput 1000 100ms 5ms 200 1
throughput_summary="$RUN_SUMMARY"
run streams10k 10000 300ms 400ms 40 5
streams_summary="$RUN_SUMMARY"
streams_gauge="$RUN_GAUGE"

bench_check "throughput: streamed" "$(summary_field "$throughput_summary" steady_tokens_per_s)" ">=" 20000 tokens/s
bench_check "streams10k: open on the server at once" "$streams_gauge" ">=" 10000
bench_check_between "TTFT p50" "$(summary_field "$streams_summary" ttft_ms_p50)" 285 315 ms
bench_check "errors" "$(( $(summary_field "$throughput_summary" errors) + $(summary_field "$streams_summary" errors) ))" "==" 0
bench_end
