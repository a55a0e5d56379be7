#!/bin/sh
# Exactness of distributed generation: 4 segments (load --segment i/4, 500 requests/s each,
# one --start-at) merged with `ragscale merge`, against one generator at 2,000 requests/s, both
# driving ragscale-testserver answering every request after a fixed DELAY_MS. The runs
# alternate (one generator, four segments, ...) and the figures are medians of the runs'
# ratios: merged/single total requests and p50, p95, p99.
# (That merged percentiles equal those of the union of all samples is a unit test:
# RunMergeTest.MergedPercentilesAreThoseOfTheUnionOfAllSamples.)
# Targets: total requests within 0.5%, p50/p95/p99 within 2%.
# Env: RUNS (3), DURATION seconds (20), DELAY_MS (20), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-3}
DURATION=${DURATION:-20}
DELAY_MS=${DELAY_MS:-20}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin load_segments_exactness "total requests within 0.5%, p50/p95/p99 within 2% of one generator"
bench_require_tools taskset python3
bench_require_executable "$LOAD_BIN"
bench_require_executable "$RAGSCALE_TESTSERVER"

port=$(free_port)
taskset -c "$SERVER_CORE" "$RAGSCALE_TESTSERVER" --port "$port" --threads 1 --delay-ms "$DELAY_MS" \
  > "$BENCH_WORK/server.log" 2>&1 &
server=$!
bench_at_exit "kill $server"
wait_for_url "http://127.0.0.1:$port/" 100 "$BENCH_WORK/server.log" || bench_abort "the test server did not start"
url="http://127.0.0.1:$port/"

ratios=""
for run in $(seq 1 "$RUNS"); do
  dir="$BENCH_WORK/run$run"
  mkdir "$dir"
  load_run "$dir/single.json" "$dir/single.log" "$url" --rate 2000 -t "${DURATION}s" --threads 1
  start=$(date -u -d '+2 sec' +%Y-%m-%dT%H:%M:%SZ)
  parts=""
  for i in 0 1 2 3; do
    taskset -c "$CLIENT_CORE" "$LOAD_BIN" load "$url" --rate 2000 -t "${DURATION}s" --threads 1 \
      --segment "$i/4" --start-at "$start" -q --json "$dir/part-$i.json" > "$dir/part-$i.log" 2>&1 &
    parts="$parts $!"
  done
  for part in $parts; do wait "$part" || bench_abort "a segment failed: $(tail -n 1 "$dir"/part-*.log)"; done
  "$LOAD_BIN" merge "$dir"/part-*.json -o "$dir/merged.json" > "$dir/merge.log" 2>&1 ||
    bench_abort "ragscale merge failed: $(tail -n 1 "$dir/merge.log")"
  line=$(python3 - "$dir/single.json" "$dir/merged.json" << 'PY'
import json, sys
single, merged = (json.load(open(p)) for p in sys.argv[1:3])
def figures(d):
    a = d["aggregate"]
    p = a["latency_us"]["percentiles"]
    return [a["requests"], p["p50"], p["p95"], p["p99"]]
s, m = figures(single), figures(merged)
print(" ".join("%.5f" % (b / a) for a, b in zip(s, m)), " ".join(str(x) for x in s + m))
PY
)
  echo "run $run: merged/single requests p50 p95 p99 = $(echo "$line" | cut -d' ' -f1-4); single $(echo "$line" | cut -d' ' -f5-8); merged $(echo "$line" | cut -d' ' -f9-12)"
  ratios="$ratios$(echo "$line" | cut -d' ' -f1-4)
"
done
column() { median $(echo "$ratios" | awk -v c="$1" 'NF { print $c }'); }
requests=$(column 1); p50=$(column 2); p95=$(column 3); p99=$(column 4)
bench_check_between "merged/single requests" "$requests" 0.995 1.005 x
bench_check_between "merged/single p50" "$p50" 0.98 1.02 x
bench_check_between "merged/single p95" "$p95" 0.98 1.02 x
bench_check_between "merged/single p99" "$p99" 0.98 1.02 x
bench_end
