#!/bin/sh
# ragscale capacity against two targets whose capacity is known in advance.
#
# 1. Throughput-bound: nginx limiting its location to 1,000 requests/s (limit_req, burst 50
#    nodelay, excess answered 503). With the SLO http_req_failed:rate<0.01 the true
#    capacity is about 1,010 req/s (above 1,000 the excess share (R - 1000)/R is refused).
#    Target: found within 5% of 1,000 in under 5 minutes, with no tuning flag.
# 2. Latency-bound: ragscale sim with 8 generation slots and fixed 0.5 s answers behind
#    ragscale serve with every cache off and no fallback, so each question holds a slot for
#    0.5 s: 8 / 0.5 = 16 answers/s. Below that the answer takes 0.5 s; above, the queue and
#    the latency grow without bound. SLO p95 < 2 s on /query. Target: within 10% of 16/s.
#    Every question is distinct (a random number in it), so nothing is coalesced.
# The generator is pinned to CLIENT_CORE, the servers to SERVER_CORE.
# Env: SERVER_CORE (1), CLIENT_CORE (0), FIGURES ("nginx sim"), BENCH_KEEP_WORK=1 keeps the
# logs, JSON and HTML reports.
set -eu
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
. "$(dirname "$0")/serve_sim_common.sh"
FIGURES=${FIGURES:-nginx sim}
bench_begin capacity "nginx limit 1000 r/s found within 5% in < 300 s; sim 16 answers/s found within 10%"
bench_require_tools taskset curl python3 nginx
bench_require_executable "$RAGSCALE_BIN"
bench_at_exit "stop_serve; stop_sim; [ -f $BENCH_WORK/nginx.pid ] && kill \$(cat $BENCH_WORK/nginx.pid) 2> /dev/null; true"

# capacity_run NAME ARGS...: ragscale capacity pinned to CLIENT_CORE; NAME.json, NAME.log,
# and the wall time in NAME.seconds.
capacity_run() {
  _name=$1; shift
  _start=$(date +%s)
  taskset -c "$CLIENT_CORE" "$RAGSCALE_BIN" capacity "$@" --json "$BENCH_WORK/$_name.json" \
    --html "$BENCH_WORK/$_name.html" > "$BENCH_WORK/$_name.log" 2>&1 || true
  echo $(( $(date +%s) - _start )) > "$BENCH_WORK/$_name.seconds"
  cat "$BENCH_WORK/$_name.log"
}

figure() { json_field "$BENCH_WORK/$1.json" "$2"; }

case " $FIGURES " in *" nginx "*)
  port=$(free_port)
  chmod 755 "$BENCH_WORK"  # nginx's worker (an unprivileged user) reads ok.json from it
  echo '{"status":"ok"}' > "$BENCH_WORK/ok.json"
  cat > "$BENCH_WORK/nginx.conf" << CONF
worker_processes 1; daemon on; pid $BENCH_WORK/nginx.pid; error_log $BENCH_WORK/nginx-error.log;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 10000000;
  limit_req_zone \$binary_remote_addr zone=one:1m rate=1000r/s;
  server { listen 127.0.0.1:$port; limit_req zone=one burst=50 nodelay; limit_req_status 503;
           location / { root $BENCH_WORK; try_files /ok.json =404; } } }
CONF
  taskset -c "$SERVER_CORE" nginx -c "$BENCH_WORK/nginx.conf" -p "$BENCH_WORK"
  wait_for_url "http://127.0.0.1:$port/" 100 "$BENCH_WORK/nginx-error.log" || bench_abort "nginx did not start"
  capacity_run nginx "http://127.0.0.1:$port/" --slo 'http_req_failed:rate<0.01'
  kill "$(cat "$BENCH_WORK/nginx.pid")"
  bench_check_between "nginx capacity (limit 1000 r/s)" "$(figure nginx "d['capacity']")" 950 1050 req/s
  bench_check "nginx search time" "$(cat "$BENCH_WORK/nginx.seconds")" "<=" 300 s
  echo "nginx: $(figure nginx "len(d['steps'])") steps"
  ;;
esac

case " $FIGURES " in *" sim "*)
  sim_port=$(free_port)
  start_sim "$sim_port" --max-concurrency 8 --max-queue 0 --ttft 500ms --itl 0ms --output-tokens 1
  port=$(free_port)
  start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --cache-entries 0 \
    --retrieval-cache-entries 0 --embed-cache-entries 0 --fallback off --llm-max-wait 60s \
    --llm-connections 64 --llm-queue 100000 --llm-limit-min 8 --llm-limit-initial 8 \
    --ladder-queue-delay 1000 --ladder-shed-rate 1
  cat > "$BENCH_WORK/query.yaml" << 'YAML'
users:
  - name: asker
    tasks:
      - name: ask
        requests:
          - {method: POST, path: /query, name: /query,
             json: {question: "How do circuit breakers protect a backend? case {{ randint(1,1000000000) }}"}}
YAML
  capacity_run sim -f "$BENCH_WORK/query.yaml" -H "http://127.0.0.1:$port" \
    --slo 'http_req_duration{name:/query}:p(95)<2000'
  stop_serve
  stop_sim
  bench_check_between "sim capacity (theory 16 answers/s)" "$(figure sim "d['capacity']")" 14.4 17.6 /s
  echo "sim: $(figure sim "len(d['steps'])") steps in $(cat "$BENCH_WORK/sim.seconds") s"
  ;;
esac
bench_end
