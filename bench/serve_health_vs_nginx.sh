#!/bin/sh
# GET /health on ragscale serve vs a static 200 from nginx, each server pinned to one
# core (SERVER_CORE) and wrk pinned to another (CLIENT_CORE), 64 connections. Only
# successful answers count, and any error on either side fails the benchmark.
# Target: ragscale at least 50% of nginx's requests/s, no errors.
set -eu
. "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
TARGET_RATIO=0.50
bench_begin serve_health_vs_nginx "ragscale/nginx >= $TARGET_RATIO, 0 errors"
bench_require_tools nginx wrk taskset curl python3
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit 'stop_serve; stop_static_nginx'

nginx_port=$(free_port)
start_static_nginx "$BENCH_WORK" "$nginx_port" "$SERVER_CORE"
wrk_run "$BENCH_WORK/nginx.txt" -t1 -c64 -d"$DURATION" "http://127.0.0.1:$nginx_port/"
stop_static_nginx

serve_port=$(free_port)
start_serve "$BENCH_WORK/data" "$serve_port"
wrk_run "$BENCH_WORK/serve.txt" -t1 -c64 -d"$DURATION" "http://127.0.0.1:$serve_port/health"

nginx_rps=$(wrk_successes_per_s "$BENCH_WORK/nginx.txt")
serve_rps=$(wrk_successes_per_s "$BENCH_WORK/serve.txt")
nginx_errors=$(wrk_errors "$BENCH_WORK/nginx.txt")
serve_errors=$(wrk_errors "$BENCH_WORK/serve.txt")
bench_require_number "nginx's requests/s" "$nginx_rps"
bench_require_number "ragscale's requests/s" "$serve_rps"
echo "nginx static 200:      $(bench_number "$nginx_rps") req/s ($nginx_errors errors)"
echo "ragscale GET /health:  $(bench_number "$serve_rps") req/s ($serve_errors errors)"
bench_check "ragscale $(bench_number "$serve_rps") req/s vs nginx $(bench_number "$nginx_rps") req/s: ratio" \
  "$(bench_ratio "$serve_rps" "$nginx_rps" 2)" ">=" "$TARGET_RATIO"
bench_check "errors" "$((nginx_errors + serve_errors))" "==" 0
bench_end
