#!/bin/sh
# Speed of `ragscale load` against wrk and Locust (FastHttpUser), all three driving the
# same nginx static 200 on 127.0.0.1 with 64 connections and no think time. nginx is
# pinned to SERVER_CORE, every generator to CLIENT_CORE. The runs alternate
# (wrk, ragscale, Locust, wrk, ...) so noise from a shared machine hits all alike; the
# figures are medians, the ratios medians over the runs.
# Target: ragscale / wrk >= 1.0.
# Env: RUNS (default 5), DURATION seconds per run (default 10), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
PYTHON=${LOCUST_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'stop_static_nginx; rm -rf "$work"' EXIT

port=$(free_port)
url="http://127.0.0.1:$port/"
start_static_nginx "$work" "$port" "$SERVER_CORE" 4096

cat > "$work/locustfile.py" << 'PY'
from locust import FastHttpUser, constant, task


class StaticPage(FastHttpUser):
    wait_time = constant(0)

    @task
    def index(self):
        self.client.get("/")
PY

wrk_runs=""; ragscale_runs=""; locust_runs=""
for run in $(seq 1 "$RUNS"); do
  wrk_rps=$(taskset -c "$CLIENT_CORE" wrk -t1 -c64 -d"${DURATION}s" "$url" | awk '/Requests\/sec/ {print $2}')
  taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" load "$url" -u 64 -r 64 --wait 0 -t "${DURATION}s" -q \
    --json "$work/ragscale.json" > /dev/null 2>&1
  ragscale_rps=$(json_field "$work/ragscale.json" "round(d['aggregate']['requests_per_s'], 1)")
  locust_rps=0
  if "$PYTHON" -c 'import locust' 2> /dev/null; then
    (cd "$work" && taskset -c "$CLIENT_CORE" "$PYTHON" -m locust -f locustfile.py --headless -u 64 -r 64 \
      -t "${DURATION}s" --host "${url%/}" --csv "$work/locust" --only-summary > "$work/locust.log" 2>&1) || true
    locust_rps=$(awk -F, '$2 == "Aggregated" {printf "%.1f", $10}' "$work/locust_stats.csv")
  fi
  echo "run $run: wrk $wrk_rps req/s, ragscale $ragscale_rps req/s, locust FastHttpUser $locust_rps req/s"
  wrk_runs="$wrk_runs $wrk_rps"; ragscale_runs="$ragscale_runs $ragscale_rps"; locust_runs="$locust_runs $locust_rps"
  ratio_wrk="${ratio_wrk:-} $(python3 -c "print(round($ragscale_rps / $wrk_rps, 3))")"
  ratio_locust="${ratio_locust:-} $(python3 -c "print(round($ragscale_rps / $locust_rps, 2) if $locust_rps else 0)")"
done
echo "median: wrk $(median $wrk_runs) req/s, ragscale $(median $ragscale_runs) req/s, locust $(median $locust_runs) req/s"
echo "ratio ragscale/wrk:    $(median $ratio_wrk) (target >= 1.0)"
echo "ratio ragscale/locust: $(median $ratio_locust)"
