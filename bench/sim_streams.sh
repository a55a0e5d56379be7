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
# For each: the client's steady tokens/s, streams open at once (client and the server's
# own gauge), time to first token p50/p99 as the client saw it, errors, and the server's
# CPU time (user+system) per second of run and per token.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="$(cd "${1:-$ROOT/build}" && pwd)"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
BIN="$BUILD_DIR/ragscale"
CLIENT="$BUILD_DIR/sim_stream_client"

[[ -x "$BIN" ]] || { echo "sim_streams.sh: $BIN not found; build it first (cmake --build $BUILD_DIR)" >&2; exit 2; }
[[ -f "$BUILD_DIR/libragscale_core.a" ]] || { echo "sim_streams.sh: $BUILD_DIR/libragscale_core.a not found" >&2; exit 2; }

if [[ ! -x "$CLIENT" || "$ROOT/bench/sim_stream_client.cpp" -nt "$CLIENT" || "$BUILD_DIR/libragscale_core.a" -nt "$CLIENT" ]]; then
  g++ -O2 -std=c++20 -Wall -Wextra -I"$ROOT/src" "$ROOT/bench/sim_stream_client.cpp" "$BUILD_DIR/libragscale_core.a" \
    -lhttp_parser -lyaml-cpp -lsqlite3 -lssl -lcrypto -lpthread -o "$CLIENT"
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
  local name="$1" streams="$2" ttft="$3" itl="$4" tokens="$5" ramp="$6"
  local log
  log="$(mktemp)"
  taskset -c "$SERVER_CPU" "$BIN" sim --port 0 --ttft "$ttft" --itl "$itl" --max-concurrency 0 \
    --output-tokens 100000 --max-connections 20000 >"$log" &
  local pid=$!
  local port=""
  for _ in $(seq 50); do
    port="$(grep -o 'listening on http://[^:]*:[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "sim did not start: $(cat "$log")" >&2; kill "$pid"; exit 1; }
  local ticks_before ticks_after hz started ended
  hz="$(getconf CLK_TCK)"
  ticks_before="$(cpu_ticks "$pid")"
  started="$(date +%s.%N)"
  # The server's own view of open streams, sampled in the middle of the steady part.
  ( sleep "$(( (SECONDS_PER_RUN + ramp) / 2 + 1 ))"
    curl -s "http://127.0.0.1:$port/metrics" | grep -E '^ragscale_sim_active_streams ' >"$log.gauge" || true ) &
  local summary
  summary="$(taskset -c "$CLIENT_CPU" "$CLIENT" --port "$port" --streams "$streams" --seconds "$SECONDS_PER_RUN" \
    --ramp-seconds "$ramp" --max-tokens "$tokens" | tail -1)"
  ended="$(date +%s.%N)"
  ticks_after="$(cpu_ticks "$pid")"
  wait %2 2>/dev/null || true
  local rss server_ttft
  rss="$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')"
  # Mean time to first token as the server scheduled it (from its request handler to the write).
  server_ttft="$(curl -s "http://127.0.0.1:$port/metrics" | awk '
    /^ragscale_sim_time_to_first_token_seconds_sum/ { sum = $2 }
    /^ragscale_sim_time_to_first_token_seconds_count/ { count = $2 }
    END { if (count > 0) printf "%.1f", 1000 * sum / count; else print "n/a" }')"
  kill -TERM "$pid"
  wait "$pid" || true
  local tokens_per_s
  tokens_per_s="$(sed -n 's/.*steady_tokens_per_s=\([0-9]*\).*/\1/p' <<<"$summary")"
  awk -v name="$name" -v ticks="$((ticks_after - ticks_before))" -v hz="$hz" -v start="$started" -v end="$ended" \
      -v tps="$tokens_per_s" -v rss="$rss" -v server_ttft="$server_ttft" -v gauge="$(cat "$log.gauge" 2>/dev/null | awk '{print $2}')" -v s="$summary" \
      'BEGIN { cpu = ticks / hz; wall = end - start;
               printf "%s: %s\n  server: active_streams gauge mid-run=%s, mean ttft %s ms, cpu %.2f s over %.1f s (%.0f%% of one core), %.1f us cpu per streamed token, peak RSS %.0f MB\n",
                      name, s, gauge, server_ttft, cpu, wall, 100 * cpu / wall, (tps > 0 ? 1e6 * (cpu / wall) / tps : 0), rss / 1024 }'
  rm -f "$log" "$log.gauge"
}

echo "ragscale sim streaming benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg))"
run throughput 1000 100ms 5ms 200 1
run streams10k 10000 300ms 400ms 40 5
