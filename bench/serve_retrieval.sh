#!/bin/sh
# Hybrid retrieval (BM25 + HNSW + RRF) over ~100,000 chunks: p99 of POST
# /api/v1/search (not cached) with wrk, CONNECTIONS (default 1) at a time (target < 20 ms,
# with every search answered successfully).
# Env: DOCS (2000), PARAGRAPHS (50), DURATION (15s), CONNECTIONS (1), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_common.sh"
DOCS=${DOCS:-2000}
PARAGRAPHS=${PARAGRAPHS:-50}
DURATION=${DURATION:-15s}
bench_begin serve_retrieval "p99 < 20 ms over ~100,000 chunks, 0 errors"
bench_require_tools wrk taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit stop_serve
port=$(free_port)
start_serve "$BENCH_WORK/data" "$port"
set -- $(upload_corpus "$port" "$DOCS" "$PARAGRAPHS")
echo "corpus: $1 documents, $(bench_number "$2") chunks (ingested in $3 s)"
cat > "$BENCH_WORK/search.lua" << 'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"query":"term%d term%d graph search","top_k":8}', (n * 7) % 5000, (n * 13) % 5000)
  return wrk.format("POST", "/api/v1/search", {["Content-Type"] = "application/json"}, body)
end
LUA
wrk_run "$BENCH_WORK/wrk.txt" -t1 -c"${CONNECTIONS:-1}" -d"$DURATION" --latency -s "$BENCH_WORK/search.lua" \
  "http://127.0.0.1:$port/api/v1/search"
cat "$BENCH_WORK/wrk.txt"
bench_check "p99 of POST /api/v1/search over $(bench_number "$2") chunks" "$(wrk_percentile_ms "$BENCH_WORK/wrk.txt" 99)" "<" 20 ms
bench_check "errors" "$(wrk_errors "$BENCH_WORK/wrk.txt")" "==" 0
bench_end
