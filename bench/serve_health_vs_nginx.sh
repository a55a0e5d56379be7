#!/bin/sh
# GET /health on ragscale serve vs a static 200 from nginx, each server pinned to one
# core (SERVER_CORE) and wrk pinned to another (CLIENT_CORE), 64 connections.
# Target: ragscale at least 50% of nginx's requests/s.
set -e
. "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
work=$(mktemp -d)
trap 'stop_serve; stop_static_nginx; rm -rf "$work"' EXIT

nginx_port=$(free_port)
start_static_nginx "$work" "$nginx_port" "$SERVER_CORE"
nginx_rps=$(taskset -c "$CLIENT_CORE" wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$nginx_port/" | awk '/Requests\/sec/ {print $2}')
stop_static_nginx

serve_port=$(free_port)
start_serve "$work/data" "$serve_port"
serve_rps=$(taskset -c "$CLIENT_CORE" wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$serve_port/health" | awk '/Requests\/sec/ {print $2}')
echo "nginx static 200:      $nginx_rps req/s"
echo "ragscale GET /health:  $serve_rps req/s"
python3 -c "print(f'ratio: {float($serve_rps)/float($nginx_rps):.2f} (target >= 0.50)')"
