#!/bin/sh
# Speed of `ragscale load` over HTTPS against wrk, both driving the same nginx static 200
# over TLS (a self-signed certificate made here; ragscale runs with --insecure, as wrk
# never verifies) on 127.0.0.1 with 64 connections and no think time. nginx (one worker)
# is pinned to SERVER_CORE, both generators to CLIENT_CORE; the runs alternate (wrk,
# ragscale, wrk, ...) and the figures are medians, the ratios medians over the rounds.
#   keep-alive:     requests/s (one handshake per connection, then requests on it)
#   keep-alive off: every request carries "Connection: close", so each one is a new TCP
#                   connection and a TLS handshake (resumed from the connection before,
#                   by both tools, with nginx's default session tickets; no server-side
#                   session cache, whose locking would make nginx the slower side):
#                   new connections (handshakes) per second
# Any failed request on either side fails the benchmark.
# Targets: ragscale / wrk >= 0.9 in both.
# Env: RUNS (default 3), DURATION seconds per run (default 5), SERVER_CORE (1), CLIENT_CORE (0).
set -eu
. "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-3}
DURATION=${DURATION:-5}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
TARGET_RATIO=0.9
bench_begin load_https "ragscale/wrk >= ${TARGET_RATIO}x in requests/s (keep-alive) and in handshakes/s (keep-alive off), 0 errors"
bench_require_tools nginx wrk openssl taskset curl python3
bench_require_executable "$LOAD_BIN"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$BENCH_WORK/key.pem" -out "$BENCH_WORK/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 > /dev/null 2>&1 || bench_abort "openssl could not make a certificate"
port=$(free_port)
url="https://127.0.0.1:$port/"
cat > "$BENCH_WORK/nginx.conf" << CONF
worker_processes 1;
daemon off;
pid $BENCH_WORK/nginx.pid;
error_log $BENCH_WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$port ssl backlog=4096;
    ssl_certificate $BENCH_WORK/cert.pem;
    ssl_certificate_key $BENCH_WORK/key.pem;
    location / { return 200 'ok'; }
  }
}
CONF
taskset -c "$SERVER_CORE" nginx -c "$BENCH_WORK/nginx.conf" -p "$BENCH_WORK" &
NGINX_PID_FILE=$BENCH_WORK/nginx.pid
bench_at_exit stop_static_nginx
ready=0
for _ in $(seq 1 100); do
  curl -skf "$url" > /dev/null 2>&1 && { ready=1; break; }
  sleep 0.05
done
[ "$ready" = 1 ] || bench_abort "nginx did not serve TLS: $(tail -n 1 "$BENCH_WORK/nginx-error.log" 2> /dev/null)"

LOAD_ARGS="-u 64 -r 64 -t ${DURATION}s --wait 0 --threads 1 --insecure"
keep_wrk=""; keep_ours=""; keep_ratio=""; close_wrk=""; close_ours=""; close_ratio=""; resumed_share=""
errors_total=0
for run in $(seq 1 "$RUNS"); do
  dir="$BENCH_WORK/run$run"
  mkdir "$dir"

  # keep-alive
  wrk_run "$dir/wrk.txt" -t1 -c64 -d"${DURATION}s" "$url"
  wrk_rps=$(wrk_successes_per_s "$dir/wrk.txt")
  errors_total=$((errors_total + $(wrk_errors "$dir/wrk.txt")))
  # shellcheck disable=SC2086
  load_run "$dir/ours.json" "$dir/ours.log" "$url" $LOAD_ARGS
  ours_rps=$(load_successes_per_s "$dir/ours.json")
  errors_total=$((errors_total + $(load_failures "$dir/ours.json")))
  bench_require_number "wrk's requests/s" "$wrk_rps"
  bench_require_number "ragscale's requests/s" "$ours_rps"

  # keep-alive off: one connection, one handshake per request
  wrk_run "$dir/wrk-close.txt" -t1 -c64 -d"${DURATION}s" -H 'Connection: close' "$url"
  wrk_hps=$(wrk_successes_per_s "$dir/wrk-close.txt")
  errors_total=$((errors_total + $(wrk_errors "$dir/wrk-close.txt")))
  # shellcheck disable=SC2086
  load_run "$dir/ours-close.json" "$dir/ours-close.log" "$url" $LOAD_ARGS --header 'Connection: close'
  ours_hps=$(json_field "$dir/ours-close.json" "round(d['counters']['tls_handshakes'] / d['run']['duration_s'], 1)")
  resumed=$(json_field "$dir/ours-close.json" \
    "round(100 * d['counters']['tls_resumed'] / max(1, d['counters']['tls_handshakes']), 1)")
  errors_total=$((errors_total + $(load_failures "$dir/ours-close.json")))
  bench_require_number "wrk's connections/s" "$wrk_hps"
  bench_require_number "ragscale's handshakes/s" "$ours_hps"

  echo "run $run: keep-alive wrk $wrk_rps req/s, ragscale $ours_rps req/s;" \
       "keep-alive off wrk $wrk_hps conn/s, ragscale $ours_hps handshakes/s ($resumed% resumed)"
  keep_wrk="$keep_wrk $wrk_rps"; keep_ours="$keep_ours $ours_rps"
  keep_ratio="$keep_ratio $(bench_ratio "$ours_rps" "$wrk_rps" 3)"
  close_wrk="$close_wrk $wrk_hps"; close_ours="$close_ours $ours_hps"
  close_ratio="$close_ratio $(bench_ratio "$ours_hps" "$wrk_hps" 3)"
  resumed_share="$resumed_share $resumed"
done

echo "{\"keep_alive\": {\"wrk_rps\": $(median $keep_wrk), \"ragscale_rps\": $(median $keep_ours)," \
     "\"ratio\": $(median $keep_ratio)}, \"keep_alive_off\": {\"wrk_connections_per_s\": $(median $close_wrk)," \
     "\"ragscale_handshakes_per_s\": $(median $close_ours), \"ratio\": $(median $close_ratio)," \
     "\"ragscale_resumed_percent\": $(median $resumed_share)}}"
bench_check "keep-alive: ragscale $(bench_number "$(median $keep_ours)") req/s vs wrk $(bench_number "$(median $keep_wrk)") req/s: ratio" \
  "$(median $keep_ratio)" ">=" "$TARGET_RATIO" "x"
bench_check "keep-alive off: ragscale $(bench_number "$(median $close_ours)") handshakes/s vs wrk $(bench_number "$(median $close_wrk)") conn/s: ratio" \
  "$(median $close_ratio)" ">=" "$TARGET_RATIO" "x"
bench_check "errors" "$errors_total" "==" 0
bench_end
