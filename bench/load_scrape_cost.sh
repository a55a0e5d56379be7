#!/bin/sh
# What `load --scrape` costs the generator: ragscale load drives an nginx static 200 (64
# connections, no think time) with and without scraping three /metrics endpoints (a
# ragscale serve and two ragscale sims) every second. nginx and the scraped targets are
# pinned to SERVER_CORE, the generator to CLIENT_CORE. The runs alternate (plain, scraped,
# plain, ...) so a shared machine's noise hits both alike; the ratio is the median of each
# pair's ratio (a pair runs back to back, so drift in the machine's load cancels), the
# rates are medians.
# Target: successful requests/s with scraping >= 98% of without (within 2%), 0 errors,
# and every scrape of every target answered.
# Env: RUNS (default 5), DURATION seconds per run (default 10), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
bench_begin load_scrape_cost "scraped/plain requests/s >= 0.98, 0 errors, no failed scrape"
bench_require_tools nginx taskset curl python3
bench_require_executable "$RAGSCALE_BIN" "$LOAD_BIN"
PIDS=""
bench_at_exit 'stop_static_nginx; for p in $PIDS; do kill -TERM "$p" 2> /dev/null; wait "$p" 2> /dev/null; done'

port=$(free_port)
start_static_nginx "$BENCH_WORK" "$port" "$SERVER_CORE" 4096
scrapes=""
start_target() {
  _port=$(free_port)
  taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" "$@" --port "$_port" > "$BENCH_WORK/target-$_port.log" 2>&1 &
  PIDS="$PIDS $!"
  wait_for_url "http://127.0.0.1:$_port/metrics" 200 "$BENCH_WORK/target-$_port.log" || bench_abort "$1 did not start"
  scrapes="$scrapes --scrape http://127.0.0.1:$_port/metrics"
}
start_target serve --data "$BENCH_WORK/serve-data" --workers 1
start_target sim
start_target sim --max-concurrency 8

plain="" scraped="" ratios="" failed_scrapes=0
for i in $(seq 1 "$RUNS"); do
  for mode in plain scraped; do
    extra=""
    [ "$mode" = scraped ] && extra=$scrapes
    # shellcheck disable=SC2086
    load_run "$BENCH_WORK/$mode-$i.json" "$BENCH_WORK/$mode-$i.log" "http://127.0.0.1:$port/" \
      -u 64 -r 64 -t "${DURATION}s" --wait 0 --threads 1 $extra
    [ "$(load_failures "$BENCH_WORK/$mode-$i.json")" = 0 ] || bench_abort "run $i ($mode) had failed requests"
    rate=$(load_successes_per_s "$BENCH_WORK/$mode-$i.json")
    if [ "$mode" = scraped ]; then
      scraped="$scraped $rate"
      missed=$(json_field "$BENCH_WORK/$mode-$i.json" \
        "sum(t['failures'] + (0 if t['scrapes'] >= $DURATION - 1 else 1) for t in d['scrape'] if t['url'] != 'generator')")
      failed_scrapes=$((failed_scrapes + missed))
      ratios="$ratios $(awk -v s="$rate" -v p="$plain_rate" 'BEGIN { printf "%.4f", s / p }')"
    else
      plain="$plain $rate"
      plain_rate=$rate
    fi
    echo "run $i $mode: $rate req/s"
  done
done
# shellcheck disable=SC2086
plain_median=$(median $plain)
# shellcheck disable=SC2086
scraped_median=$(median $scraped)
# shellcheck disable=SC2086
ratio=$(median $ratios)
echo "plain: $plain_median req/s (median of$plain); scraped: $scraped_median req/s (median of$scraped)"
echo "pairs' ratios:$ratios"
bench_check "scraped/plain requests/s (median of the pairs)" "$ratio" ">=" 0.98
bench_check "failed or missing scrapes" "$failed_scrapes" "==" 0
bench_end
