#!/bin/sh
# A cached POST /query at a fixed 5,000 requests/s (open model, latency corrected for
# coordinated omission) with the project's load generator: p99 target < 2 ms. The
# server runs on SERVER_CORE, the load generator on CLIENT_CORE.
# LOAD_BIN: a ragscale binary with the load subcommand (default: RAGSCALE_BIN).
set -e
. "$(dirname "$0")/serve_common.sh"
LOAD_BIN=${LOAD_BIN:-$RAGSCALE_BIN}
DURATION=${DURATION:-10s}
RATE=${RATE:-5000}
work=$(mktemp -d)
trap 'stop_serve; rm -rf "$work"' EXIT
port=$(free_port)
start_serve "$work/data" "$port"
upload_corpus "$port" 20 5 > /dev/null
body='{"question":"how does vector graph search rank chunks?","max_sources":4}'
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/query" > /dev/null
taskset -c "$CLIENT_CORE" "$LOAD_BIN" load "http://127.0.0.1:$port/query" -X POST \
  --header 'Content-Type: application/json' --body "$body" --rate "$RATE" -t "$DURATION" --threads 1 -q
echo "cache hits: $(curl -s "http://127.0.0.1:$port/metrics" | awk '/^ragscale_cache_hits_total/ {print $2}')"
