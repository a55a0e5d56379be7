# Shared helpers for the benchmark scripts: sourced, not run.
# RAGSCALE_BIN: the ragscale binary (default build/ragscale).
RAGSCALE_BIN=${RAGSCALE_BIN:-build/ragscale}
RAGSCALE_TESTSERVER=${RAGSCALE_TESTSERVER:-build/ragscale-testserver}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# cpu_seconds PID: user+system CPU time the process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

# median VALUES...: the median of the numbers given.
median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}

# start_static_nginx DIR PORT CORE [WORKER_CONNECTIONS]: nginx answering every request with
# a static 200 "ok", one worker pinned to CORE; sets NGINX_PID_FILE. stop_static_nginx stops it.
start_static_nginx() {
  dir=$1; port=$2; core=$3; connections=${4:-1024}
  cat > "$dir/nginx.conf" << CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections $connections; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port backlog=4096;
    location / { return 200 'ok'; }
  }
}
CONF
  taskset -c "$core" nginx -c "$dir/nginx.conf" -p "$dir" &
  NGINX_PID_FILE=$dir/nginx.pid
  wait_for_url "http://127.0.0.1:$port/" 100 "$dir/nginx-error.log"
}

# wait_for_url URL TRIES LOG: polls URL every 50 ms until it answers 2xx; after TRIES
# attempts prints LOG and fails.
wait_for_url() {
  for _ in $(seq 1 "$2"); do
    curl -sf "$1" > /dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "$1 did not answer; log:" >&2
  cat "$3" >&2
  return 1
}

stop_static_nginx() {
  [ -n "${NGINX_PID_FILE:-}" ] && [ -f "$NGINX_PID_FILE" ] && kill "$(cat "$NGINX_PID_FILE")" 2> /dev/null
  NGINX_PID_FILE=
}

# json_field FILE EXPR: evaluates a Python expression over the JSON document `d` in FILE.
json_field() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}
