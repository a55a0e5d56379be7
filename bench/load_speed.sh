#!/bin/sh
# Speed of `ragscale load` against wrk and Locust (FastHttpUser), all three driving the
# same nginx static 200 on 127.0.0.1 with 64 connections and no think time. nginx is
# pinned to SERVER_CORE, every generator to CLIENT_CORE. The runs alternate
# (wrk, ragscale, Locust, wrk, ...) so noise from a shared machine hits all alike; the
# figures are medians, the ratios medians over the runs. Only successful requests count,
# and any failed request on any side fails the benchmark (a generator that fails fast
# would otherwise look fast); so does a missing peer.
# Target: ragscale / wrk >= 1.0, no errors. The ratio to Locust is reported.
# Env: RUNS (default 5), DURATION seconds per run (default 10), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
PYTHON=${LOCUST_PYTHON:-/usr/bin/python3}
TARGET_RATIO=1.0
bench_begin load_speed "ragscale/wrk >= ${TARGET_RATIO}x, 0 errors"
bench_require_tools nginx wrk taskset curl python3
bench_require_executable "$LOAD_BIN"
"$PYTHON" -c 'import locust' 2> /dev/null || bench_abort "Locust is not installed for $PYTHON (make test-deps installs python3-locust)"
bench_at_exit stop_static_nginx

port=$(free_port)
url="http://127.0.0.1:$port/"
start_static_nginx "$BENCH_WORK" "$port" "$SERVER_CORE" 4096

cat > "$BENCH_WORK/locustfile.py" << 'PY'
from locust import FastHttpUser, constant, task


class StaticPage(FastHttpUser):
    wait_time = constant(0)

    @task
    def index(self):
        self.client.get("/")
PY

# locust_stats CSV: "successes_per_s failures" of the Aggregated row of a Locust stats CSV.
locust_stats() {
  awk -F, '$2 == "Aggregated" {
    requests = $3; failures = $4; rps = $10
    printf "%.1f %d\n", (requests > 0 ? rps * (requests - failures) / requests : 0), failures }' "$1"
}

wrk_runs=""; ragscale_runs=""; locust_runs=""; ratio_wrk=""; ratio_locust=""
wrk_errors_total=0; ragscale_errors_total=0; locust_errors_total=0
for run in $(seq 1 "$RUNS"); do
  dir="$BENCH_WORK/run$run"
  mkdir "$dir"

  wrk_run "$dir/wrk.txt" -t1 -c64 -d"${DURATION}s" "$url"
  wrk_rps=$(wrk_successes_per_s "$dir/wrk.txt")
  wrk_failed=$(wrk_errors "$dir/wrk.txt")

  load_run "$dir/ragscale.json" "$dir/ragscale.log" "$url" -u 64 -r 64 --wait 0 -t "${DURATION}s"
  ragscale_rps=$(load_successes_per_s "$dir/ragscale.json")
  ragscale_failed=$(load_failures "$dir/ragscale.json")

  # Locust exits 1 when any request failed; its CSV says how many, so read that either way.
  (cd "$dir" && taskset -c "$CLIENT_CORE" "$PYTHON" -m locust -f "$BENCH_WORK/locustfile.py" --headless \
    -u 64 -r 64 -t "${DURATION}s" --host "${url%/}" --csv "$dir/locust" --only-summary > "$dir/locust.log" 2>&1) ||
    [ $? = 1 ] || bench_abort "Locust failed: $(tail -n 1 "$dir/locust.log")"
  [ -s "$dir/locust_stats.csv" ] || bench_abort "Locust wrote no stats CSV: $(tail -n 1 "$dir/locust.log")"
  set -- $(locust_stats "$dir/locust_stats.csv")
  locust_rps=${1:-}; locust_failed=${2:-0}

  bench_require_number "wrk's requests/s" "$wrk_rps"
  bench_require_number "ragscale's requests/s" "$ragscale_rps"
  bench_require_number "Locust's requests/s" "$locust_rps"
  echo "run $run: wrk $wrk_rps req/s ($wrk_failed errors), ragscale $ragscale_rps req/s ($ragscale_failed errors)," \
       "locust FastHttpUser $locust_rps req/s ($locust_failed errors)"
  wrk_runs="$wrk_runs $wrk_rps"; ragscale_runs="$ragscale_runs $ragscale_rps"; locust_runs="$locust_runs $locust_rps"
  ratio_wrk="$ratio_wrk $(bench_ratio "$ragscale_rps" "$wrk_rps" 3)"
  ratio_locust="$ratio_locust $(bench_ratio "$ragscale_rps" "$locust_rps" 2)"
  wrk_errors_total=$((wrk_errors_total + wrk_failed))
  ragscale_errors_total=$((ragscale_errors_total + ragscale_failed))
  locust_errors_total=$((locust_errors_total + locust_failed))
done
wrk_median=$(median $wrk_runs); ragscale_median=$(median $ragscale_runs)
echo "median: wrk $(bench_number "$wrk_median") req/s, ragscale $(bench_number "$ragscale_median") req/s," \
     "locust $(bench_number "$(median $locust_runs)") req/s (successful requests only)"
echo "ratio ragscale/locust: $(median $ratio_locust)x (reported, no target)"
bench_check "ragscale $(bench_number "$ragscale_median") req/s vs wrk $(bench_number "$wrk_median") req/s: ratio" \
  "$(median $ratio_wrk)" ">=" "$TARGET_RATIO" "x"
echo "errors over all runs: wrk $wrk_errors_total, ragscale $ragscale_errors_total, locust $locust_errors_total"
bench_check "errors" "$((wrk_errors_total + ragscale_errors_total + locust_errors_total))" "==" 0
bench_end
