#!/bin/sh
# A cached POST /query: p99 latency (target < 2 ms at 5,000 requests/s). wrk is a
# closed-loop client, so the rate is what CONNECTIONS connections achieve; the p99 is
# read from wrk's latency distribution.
set -e
. "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
work=$(mktemp -d)
trap 'stop_serve; rm -rf "$work"' EXIT
port=$(free_port)
start_serve "$work/data" "$port"
upload_corpus "$port" 20 5 > /dev/null
body='{"question":"how does vector graph search rank chunks?","max_sources":4}'
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/query" > /dev/null
cat > "$work/query.lua" << LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/query.lua" \
  "http://127.0.0.1:$port/query" | tee "$work/wrk.txt"
echo "cache hits: $(curl -s "http://127.0.0.1:$port/metrics" | awk '/^ragscale_cache_hits_total/ {print $2}')"
