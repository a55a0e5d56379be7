#!/usr/bin/env bash
# `make demo`: a short smoke load test of ragscale serve on loopback, with the result.
# Starts the service on a free port with a fresh data folder, uploads a document, runs
# `ragscale load` for 10 s against /health and /query, prints the verdict, and stops
# everything it started (also on Ctrl-C or a failure). Outputs go to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${RAGSCALE_BIN:-build/ragscale}
OUT=out/demo
mkdir -p "$OUT"
work=$(mktemp -d)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2> /dev/null && wait "$serve_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --port "$port" --data "$work/data" > "$OUT/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$port/ready" > /dev/null 2>&1 && break
  sleep 0.05
done
curl -sf -X POST "http://127.0.0.1:$port/api/v1/documents/upload" -H 'Content-Type: application/json' \
  -d '{"title":"Machine learning","text":"Machine learning is a field of artificial intelligence in which systems learn patterns from data instead of following hand-written rules. Retrieval-augmented generation retrieves relevant passages and gives them to a language model, so its answers cite real sources."}' \
  > /dev/null

cat > "$work/smoke.yaml" << 'YAML'
users:
  - name: Reader
    wait: 100ms..300ms
    tasks:
      - {name: health, weight: 1, path: /health}
      - name: query
        weight: 3
        requests:
          - {method: POST, path: /query, name: /query, json: {question: "What is machine learning?"},
             check: {status: [200], json_has: [/answer]}}
thresholds:
  http_req_failed: ["rate<0.01"]
  http_req_duration: ["p(95)<1000"]
YAML

echo "Smoke test: 10 users for 10 s against ragscale serve on 127.0.0.1:$port"
status=0
"$BIN" load -f "$work/smoke.yaml" -H "http://127.0.0.1:$port" -u 10 -r 10 -t 10s \
  --csv "$OUT/smoke" --json "$OUT/smoke.json" || status=$?
echo
if [ "$status" -eq 0 ]; then
  echo "Verdict: PASS (every threshold held). Results: $OUT/smoke_stats.csv, $OUT/smoke.json"
else
  echo "Verdict: FAIL (exit code $status). Results: $OUT/smoke_stats.csv, $OUT/smoke.json"
fi
exit "$status"
