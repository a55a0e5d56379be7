#!/bin/sh
# Query-time micro-batching: 200 concurrent distinct searches with an OpenAI-compatible
# embedder (the sim, 20 ms per embeddings request) must reach the backend as at most
# 1/5 as many embeddings requests, every search answered.
# Env: N (200), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_sim_common.sh"
N=${N:-200}
bench_begin serve_embed_batching "embedding requests <= $N/5 for $N concurrent distinct queries, all answered"
bench_require_tools taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit "stop_serve; stop_sim"
sim_port=$(free_port); port=$(free_port)
start_sim "$sim_port" --embedding-latency 20ms --max-concurrency 256
start_serve_with_corpus "$port" --embed-url "http://127.0.0.1:$sim_port"
drive "$BENCH_WORK/figures.json" batching "http://127.0.0.1:$port" "http://127.0.0.1:$sim_port" "$N"
f="$BENCH_WORK/figures.json"
bench_check "embedding requests" "$(json_field "$f" "int(d['embedding_calls'])")" "<=" "$((N / 5))"
bench_check "answered" "$(json_field "$f" "d['answered']")" "==" "$N"
bench_end
