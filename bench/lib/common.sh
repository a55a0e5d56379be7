# Shared helpers for the benchmark scripts: sourced, not run.
# RAGSCALE_BIN: the ragscale binary (default build/ragscale of this checkout);
# RAGSCALE_TESTSERVER: the test server (default build/ragscale-testserver);
# LOAD_BIN: the binary whose `load` drives the benchmarks (default RAGSCALE_BIN).
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
RAGSCALE_BIN=${RAGSCALE_BIN:-$BENCH_ROOT/build/ragscale}
LOAD_BIN=${LOAD_BIN:-$RAGSCALE_BIN}
RAGSCALE_TESTSERVER=${RAGSCALE_TESTSERVER:-$BENCH_ROOT/build/ragscale-testserver}
. "$BENCH_ROOT/bench/lib/verdict.sh"
. "$BENCH_ROOT/bench/lib/wrk.sh"

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
  wait_for_url "http://127.0.0.1:$port/" 100 "$dir/nginx-error.log" || bench_abort "nginx did not start"
}

# start_file_nginx DIR PORT CPUS WORKERS: nginx sending the files of DIR/www (sendfile) with
# WORKERS worker processes on CPUS (a taskset list); sets NGINX_PID_FILE, stopped by
# stop_static_nginx. The folders and files are made readable: nginx's workers drop root.
start_file_nginx() {
  dir=$1; port=$2; cpus=$3; workers=$4
  chmod 755 "$dir" "$dir/www" && chmod -R a+r "$dir/www"
  cat > "$dir/nginx-files.conf" << CONF
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  types { application/json json; }
  server { listen 127.0.0.1:$port backlog=4096 reuseport; root $dir/www; }
}
CONF
  taskset -c "$cpus" nginx -c "$dir/nginx-files.conf" -p "$dir" &
  NGINX_PID_FILE=$dir/nginx.pid
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

# load_run JSON LOG ARGS...: runs `LOAD_BIN load ARGS -q --json JSON` pinned to CLIENT_CORE,
# its output into LOG; ends the benchmark as unmeasured when the run fails or writes no summary.
load_run() {
  json=$1; log=$2; shift 2
  taskset -c "$CLIENT_CORE" "$LOAD_BIN" load "$@" -q --json "$json" > "$log" 2>&1 ||
    bench_abort "ragscale load $* failed: $(tail -n 1 "$log")"
  [ -s "$json" ] || bench_abort "ragscale load $* wrote no summary"
}

# load_successes_per_s JSON: successful requests per second of a run's JSON summary.
load_successes_per_s() {
  json_field "$1" "round((d['aggregate']['requests'] - d['aggregate']['failures']) / d['run']['duration_s'], 1)"
}

# load_failures JSON: the run's failed requests (error statuses, failed checks, network errors).
load_failures() {
  json_field "$1" "d['aggregate']['failures']"
}

# load_percentile_ms JSON KEY: an aggregate latency percentile (KEY p50, p99, p100, ...) in ms.
load_percentile_ms() {
  json_field "$1" "round(d['aggregate']['latency_us']['percentiles']['$2'] / 1000, 3)"
}
