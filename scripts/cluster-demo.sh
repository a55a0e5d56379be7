#!/usr/bin/env bash
# `make cluster-demo`: the scale-out story of the RAG service on this machine, with the real
# parts (ragscale cluster: PostgreSQL, Redis, HAProxy, the sim, serve replicas).
#   1. one replica, each replica bounded by its own model connection pool (4 calls at once)
#      over a sim with unlimited slots: its capacity (ragscale capacity: the highest rate of
#      distinct questions answered in full with p95 < 2 s and failures < 1%);
#   2. scaled to three replicas: the same search, about three times the capacity;
#   3. steady traffic over the three with repeated questions: answers cached by one replica
#      are hits on the others (Redis), and one replica is killed (kill -9) mid-run: HAProxy
#      routes around it, the keeper starts it again, it rejoins; the run's report charts
#      every replica's and HAProxy's metrics through it.
# Outputs in out/cluster-demo/ (OUT overrides): capacity-1.html, capacity-3.html,
# steady.html (and the JSON of each), summary.json. Env: STEP (capacity step, 10s).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${RAGSCALE_BIN:-$PWD/build/ragscale}
OUT=$(mkdir -p "${OUT:-out/cluster-demo}" && cd "${OUT:-out/cluster-demo}" && pwd)
STEP=${STEP:-10s}
DIR="$OUT/cluster"
chmod o+x "$OUT"  # PostgreSQL runs as the postgres user, which must enter the cluster's folder
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
while [ "$port" -gt 64000 ]; do port=$((port - 20000)); done
url="http://127.0.0.1:$port"
"$BIN" cluster down --dir "$DIR" --purge > /dev/null 2>&1 || true
trap '"$BIN" cluster down --dir "$DIR" --purge > /dev/null 2>&1 || true' EXIT

sim=(--sim --sim-arg=--ttft=50ms --sim-arg=--itl=2ms --sim-arg=--output-tokens=25 --sim-arg=--max-concurrency=0)
serve=(--llm-connections 4 --llm-limit-initial 4 --llm-limit-min 4)
capacity() {  # capacity NAME: the full-answer capacity through the balancer
  RAGSCALE_TARGET=$url "$BIN" capacity -f bench/lib/full_answers.yaml --slo 'http_req_failed:rate<0.01' \
    --slo 'http_req_duration:p(95)<2000' --start 10 --step-time "$STEP" --tolerance 5% -q \
    --json "$OUT/$1.json" --html "$OUT/$1.html" > "$OUT/$1.log" 2>&1 || true
  python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['capacity']; print(c if c is not None else 0)" "$OUT/$1.json"
}

echo "ragscale cluster demo (outputs in $OUT)"
echo
echo "1. a cluster of one replica (4 model calls at once each) over a shared PostgreSQL and Redis, behind HAProxy"
"$BIN" cluster up --replicas 1 --dir "$DIR" --port "$port" "${sim[@]}" -- "${serve[@]}" | sed 's/^/   /'
"$BIN" ingest corpus/documents --host "$url" -q
echo "   searching the capacity of one replica (full answers, p95 < 2 s) ..."
one=$(capacity capacity-1)
echo "   capacity: $one full answers/s (report: $OUT/capacity-1.html)"

echo
echo "2. scaled to three replicas"
"$BIN" cluster scale 3 --dir "$DIR" | sed 's/^/   /'
echo "   searching the capacity of three replicas ..."
three=$(capacity capacity-3)
ratio=$(awk -v a="$three" -v b="$one" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
echo "   capacity: $three full answers/s, ${ratio}x one replica (report: $OUT/capacity-3.html)"

echo
echo "3. steady traffic over three replicas for 30 s; replica-2 killed (kill -9) at 12 s"
replica_ports=$(python3 -c "import json,sys; print(' '.join(str(p['port']) for p in json.load(open(sys.argv[1]))['processes'] if p['role']=='replica'))" "$DIR/cluster.json")
scrapes=()
for p in $replica_ports; do scrapes+=(--scrape "http://127.0.0.1:$p/metrics"); done
scrapes+=(--scrape "http://127.0.0.1:$((port + 1))/metrics")
# shared_cache_counts: the replicas' shared-cache hits and misses so far, "HITS MISSES".
shared_cache_counts() {
  local p h m hits=0 misses=0
  for p in $replica_ports; do
    h=$(curl -s "http://127.0.0.1:$p/metrics" | awk '/^ragscale_cache_l2_hits_total/ {s += $2} END {printf "%d", s}')
    m=$(curl -s "http://127.0.0.1:$p/metrics" | awk '/^ragscale_cache_l2_misses_total/ {s += $2} END {printf "%d", s}')
    hits=$((hits + h)); misses=$((misses + m))
  done
  echo "$hits $misses"
}
read -r hits_before misses_before <<< "$(shared_cache_counts)"
RAGSCALE_TARGET=$url "$BIN" load -f bench/lib/cluster_steady.yaml -u 24 -r 24 -t 30s -q "${scrapes[@]}" \
  --json "$OUT/steady.json" --html "$OUT/steady.html" > "$OUT/steady.log" 2>&1 &
load=$!
sleep 12
victim=$(python3 -c "import json,sys; print([p['pid'] for p in json.load(open(sys.argv[1]))['processes'] if p['name']=='replica-2'][0])" "$DIR/cluster.json")
kill -9 "$victim"
killed=$(date +%s.%N)
while "$BIN" cluster status --dir "$DIR" --json | python3 -c "import json,sys; import sys; sys.exit(0 if any(p['name']=='replica-2' and p['balancer'].startswith('UP') for p in json.load(sys.stdin)['processes'] if 'balancer' in p) else 1)"; do sleep 0.02; done
out_at=$(awk -v a="$(date +%s.%N)" -v b="$killed" 'BEGIN { printf "%.2f", a - b }')
until "$BIN" cluster status --dir "$DIR" --json | python3 -c "import json,sys; sys.exit(0 if any(p['name']=='replica-2' and p['restarts']>=1 and p['health']=='ready' and p.get('balancer','').startswith('UP') for p in json.load(sys.stdin)['processes']) else 1)"; do sleep 0.1; done
back_at=$(awk -v a="$(date +%s.%N)" -v b="$killed" 'BEGIN { printf "%.2f", a - b }')
wait "$load" || true
# The steady run's own lookups (replica-2 counts from its restart: a little is lost there).
read -r hits misses <<< "$(shared_cache_counts)"
hits=$((hits - hits_before)); misses=$((misses - misses_before))
[ "$hits" -ge 0 ] || hits=0
[ "$misses" -ge 0 ] || misses=0
read -r requests failures <<< "$(python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['aggregate']; print(a['requests'], a['failures'])" "$OUT/steady.json")"
echo "   $requests requests, $failures failed; HAProxy stopped routing to replica-2 ${out_at} s after the kill,"
echo "   the keeper had it back, ready and in HAProxy, after ${back_at} s"
echo "   questions a replica had not answered itself, found answered by another in Redis: $hits of $((hits + misses))"
echo "   report: $OUT/steady.html"

python3 - "$OUT/summary.json" "$one" "$three" "$requests" "$failures" "$out_at" "$back_at" "$hits" "$misses" <<'PY'
import json, sys
out, one, three, requests, failures, out_at, back_at, hits, misses = sys.argv[1:]
one, three = float(one), float(three)
json.dump({"capacity_1_replica": one, "capacity_3_replicas": three, "scale_out": three / one if one else None,
           "steady_requests": int(requests), "steady_failures": int(failures),
           "routing_stopped_s": float(out_at), "rejoined_s": float(back_at),
           "shared_cache_hits": int(hits), "shared_cache_lookups": int(hits) + int(misses)},
          open(out, "w"), indent=2)
PY
echo
echo "summary: $OUT/summary.json"
