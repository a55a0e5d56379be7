#!/bin/sh
# Ingestion throughput with the built-in hashing embedder, server on one core
# (target >= 2,000 chunks/s of wall-clock time, upload and ingestion together; the
# chunks per CPU-second of the server are reported beside it), then how soon a 1 KB
# document is searchable after its 201 while a query load runs (target < 1 s; the query
# load must itself succeed, else the document was not searched "under load").
# Env: DOCS (200), PARAGRAPHS (25), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_common.sh"
DOCS=${DOCS:-200}
PARAGRAPHS=${PARAGRAPHS:-25}
bench_begin serve_ingest ">= 2,000 chunks/s, searchable < 1000 ms after its 201 under load, 0 errors"
bench_require_tools wrk taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit stop_serve
port=$(free_port)
start_serve "$BENCH_WORK/data" "$port"
cpu_before=$(cpu_seconds "$SERVE_PID")
set -- $(upload_corpus "$port" "$DOCS" "$PARAGRAPHS")
cpu_after=$(cpu_seconds "$SERVE_PID")
chunks=${2:-}; seconds=${3:-}
bench_require_number "the number of chunks ingested" "$chunks"
chunks_per_s=$(bench_ratio "$chunks" "$seconds" 0)
echo "ingested $1 documents, $chunks chunks in $seconds s wall: $chunks_per_s chunks/s (upload + ingestion, server pinned to one core)"
echo "server CPU time: $(python3 -c "print(round($cpu_after-$cpu_before,2))") s: $(python3 -c "print(round($chunks/($cpu_after-$cpu_before)))") chunks per CPU-second (independent of other load on the machine)"

cat > "$BENCH_WORK/query.lua" << LUA
wrk.method = "POST"
wrk.body = '{"question":"term17 term99 graph","max_sources":4}'
wrk.headers["Content-Type"] = "application/json"
LUA
wrk_run "$BENCH_WORK/load.txt" -t1 -c16 -d8s -s "$BENCH_WORK/query.lua" "http://127.0.0.1:$port/api/v1/search" &
load_pid=$!
sleep 1
worst_ms=$(python3 - "$port" << 'PY'
import http.client, json, sys, time
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port)
text = ("The zygomorphic quokka festival happens every spring on the island. " * 15)[:1024]
worst = 0
for attempt in range(5):
    marker = f"quokkamarker{attempt}"
    conn.request("POST", "/api/v1/documents/upload", json.dumps({"title": marker, "text": marker + " " + text}),
                 {"Content-Type": "application/json"})
    r = conn.getresponse(); doc = json.loads(r.read())["id"]; acked = time.time()
    assert r.status == 201, r.status
    while True:
        conn.request("POST", "/api/v1/search", json.dumps({"query": marker, "top_k": 1}), {"Content-Type": "application/json"})
        found = json.loads(conn.getresponse().read())["documents"]
        if found and found[0]["document_id"] == doc: break
        if time.time() - acked > 10: break  # far past the target: stop waiting, report it
        time.sleep(0.005)
    worst = max(worst, time.time() - acked)
print(f"{worst * 1000:.0f}")
PY
)
wait $load_pid
load_errors=$(wrk_errors "$BENCH_WORK/load.txt")
echo "query load meanwhile: $(bench_number "$(wrk_successes_per_s "$BENCH_WORK/load.txt")") successful searches/s, $load_errors errors"
bench_check "ingestion" "$chunks_per_s" ">=" 2000 chunks/s
bench_check "1 KB document searchable after its 201 under load, worst of 5" "$worst_ms" "<" 1000 ms
bench_check "query load errors" "$load_errors" "==" 0
bench_end
