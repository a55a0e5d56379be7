#!/bin/sh
# GET /health on ragscale serve vs a static 200 from nginx, each server pinned to one
# core (SERVER_CORE) and wrk pinned to another (CLIENT_CORE), 64 connections.
# Target: ragscale at least 50% of nginx's requests/s.
set -e
. "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
work=$(mktemp -d)
trap 'stop_serve; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

nginx_port=$(free_port)
cat > "$work/nginx.conf" << CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 200 'ok'; }
  }
}
CONF
taskset -c "$SERVER_CORE" nginx -c "$work/nginx.conf" -p "$work" &
sleep 0.5
nginx_rps=$(taskset -c "$CLIENT_CORE" wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$nginx_port/" | awk '/Requests\/sec/ {print $2}')
kill "$(cat "$work/nginx.pid")"

serve_port=$(free_port)
start_serve "$work/data" "$serve_port"
serve_rps=$(taskset -c "$CLIENT_CORE" wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$serve_port/health" | awk '/Requests\/sec/ {print $2}')
echo "nginx static 200:      $nginx_rps req/s"
echo "ragscale GET /health:  $serve_rps req/s"
python3 -c "print(f'ratio: {float($serve_rps)/float($nginx_rps):.2f} (target >= 0.50)')"
