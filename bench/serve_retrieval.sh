#!/bin/sh
# Hybrid retrieval (BM25 + HNSW + RRF) over ~100,000 chunks: p99 of POST
# /api/v1/search (not cached) with wrk, CONNECTIONS (default 1) at a time (target < 20 ms).
set -e
. "$(dirname "$0")/serve_common.sh"
DOCS=${DOCS:-2000}
PARAGRAPHS=${PARAGRAPHS:-50}
DURATION=${DURATION:-15s}
work=$(mktemp -d)
trap 'stop_serve; rm -rf "$work"' EXIT
port=$(free_port)
start_serve "$work/data" "$port"
set -- $(upload_corpus "$port" "$DOCS" "$PARAGRAPHS")
echo "corpus: $1 documents, $2 chunks (ingested in $3 s)"
cat > "$work/search.lua" << 'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"query":"term%d term%d graph search","top_k":8}', (n * 7) % 5000, (n * 13) % 5000)
  return wrk.format("POST", "/api/v1/search", {["Content-Type"] = "application/json"}, body)
end
LUA
taskset -c "$CLIENT_CORE" wrk -t1 -c"${CONNECTIONS:-1}" -d"$DURATION" --latency -s "$work/search.lua" "http://127.0.0.1:$port/api/v1/search"
