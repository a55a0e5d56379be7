#!/bin/sh
# Shared helpers for the serve benchmarks: sourced, not run.
# RAGSCALE_BIN: the ragscale binary (default build/ragscale).
. "$(dirname "$0")/lib/common.sh"
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}

# start_serve DATA_DIR PORT [flags...]: starts the server pinned to SERVER_CORE, waits for /ready.
start_serve() {
  data=$1; port=$2; shift 2
  taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" serve --port "$port" --data "$data" --workers 1 "$@" \
    > "$data.log" 2>&1 &
  SERVE_PID=$!
  wait_for_url "http://127.0.0.1:$port/ready" 400 "$data.log" || bench_abort "ragscale serve did not become ready"
}

stop_serve() {
  [ -n "${SERVE_PID:-}" ] || return 0
  kill -TERM "$SERVE_PID" 2> /dev/null
  wait "$SERVE_PID" 2> /dev/null
  SERVE_PID=
}

# upload_corpus PORT DOCS PARAGRAPHS: uploads DOCS synthetic documents of PARAGRAPHS
# paragraphs each (one paragraph of 90 words is one default-sized chunk) and waits until all
# are ready; prints "documents chunks seconds".
upload_corpus() {
  python3 - "$1" "$2" "$3" << 'PY'
import http.client, json, random, sys, time
port, docs, paragraphs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
words = [f"term{i}" for i in range(5000)] + "vector index graph search query chunk embedding retrieval fusion rank".split()
def paragraph():
    return " ".join(rng.choice(words) for _ in range(90)) + "."
conn = http.client.HTTPConnection("127.0.0.1", port)
start = time.time()
ids = []
for d in range(docs):
    text = "\n\n".join(paragraph() for _ in range(paragraphs))
    conn.request("POST", "/api/v1/documents/upload", json.dumps({"title": f"doc{d}", "text": text}),
                 {"Content-Type": "application/json"})
    r = conn.getresponse(); body = json.loads(r.read())
    assert r.status == 201, body
    ids.append(body["id"])
chunks = 0
for i in ids:
    while True:
        conn.request("GET", f"/api/v1/documents/{i}/status"); r = conn.getresponse(); s = json.loads(r.read())
        if s["status"] != "processing": break
        time.sleep(0.01)
    chunks += s["chunks"]
print(docs, chunks, round(time.time() - start, 3))
PY
}
