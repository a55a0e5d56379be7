#!/bin/sh
# Does `ragscale diagnose` name the cause? Five runs with one fault staged each, scraped
# with --scrape, then diagnosed; and three healthy runs that must get no finding at all.
#   llm_bound        serve in front of a sim with 2 generation slots (200 ms an answer),
#                    users ramped 2 -> 24: top finding throughput_plateau naming the slots
#   cpu_bound        serve on one core and one worker, every cache off, a 3,000-chunk index
#                    searched wide (retrieval-heavy), 16 users without think time:
#                    top finding cpu_bound_target
#   backend_limited  serve in front of a sim allowing 120 requests/min: top rate_limited
#   cache_off        serve with its answer cache off, five questions asked again and again:
#                    top low_cache_hit_rate
#   generator_bound  one generator thread checking a 450 KB JSON answer from nginx (sendfile
#                    costs nginx little, parsing it costs the generator a core): top
#                    generator_saturated
#   healthy_*        light runs against serve (cached), the sim, and nginx: no finding
# Targets run on SERVER_CORE, the generator on CLIENT_CORE.
# Target: the top finding is right in 5 of 5 faults; 0 findings on the healthy runs.
# Env: DURATION seconds of the steady runs (default 15), SERVER_CORE (0), CLIENT_CORE (1).
set -eu
. "$(dirname "$0")/serve_sim_common.sh"
DURATION=${DURATION:-15}
bench_begin diagnose_staged_faults "top finding right in 5/5 staged faults, 0 findings on 3 healthy runs"
bench_require_tools nginx taskset curl python3
bench_require_executable "$RAGSCALE_BIN" "$LOAD_BIN"
bench_at_exit "stop_serve; stop_sim; stop_static_nginx"

# run_case NAME SCRAPE_URLS LOAD_ARGS...: a scraped run, then its diagnosis as
# NAME.diagnosis.json (and printed as text).
run_case() {
  _name=$1 _scrapes=$2; shift 2
  _args=""
  for _url in $_scrapes; do _args="$_args --scrape $_url"; done
  # shellcheck disable=SC2086
  taskset -c "$CLIENT_CORE" "$LOAD_BIN" load -q "$@" $_args --json "$BENCH_WORK/$_name.json" \
    > "$BENCH_WORK/$_name.log" 2>&1 || [ $? = 1 ] || bench_abort "the $_name run failed: $(tail -n 2 "$BENCH_WORK/$_name.log")"
  "$RAGSCALE_BIN" diagnose "$BENCH_WORK/$_name.json" > "$BENCH_WORK/$_name.diagnosis.txt"
  "$RAGSCALE_BIN" diagnose "$BENCH_WORK/$_name.json" --format json > "$BENCH_WORK/$_name.diagnosis.json"
  echo "== $_name"
  cat "$BENCH_WORK/$_name.diagnosis.txt"
}

# top_is NAME RULE [EVIDENCE_TEXT]: 1 when NAME's top finding is RULE (and one of its
# evidence lines contains EVIDENCE_TEXT), else 0.
top_is() {
  json_field "$BENCH_WORK/$1.diagnosis.json" \
    "int(bool(d['findings']) and d['findings'][0]['rule'] == '$2' and any('${3:-}' in e for e in d['findings'][0]['evidence']))"
}

findings_of() {
  json_field "$BENCH_WORK/$1.diagnosis.json" "len(d['findings'])"
}

# ask NAME QUESTION WAIT: a scenario file of users POSTing QUESTION (a template) to /query
# with think time WAIT; prints its path.
ask() {
  printf 'data:\n  questions: {file: %s}\nusers:\n  - wait: %s\n    tasks:\n      - {method: POST, path: /query, json: {question: "%s"}}\n' \
    "$BENCH_WORK/questions.txt" "$3" "$2" > "$BENCH_WORK/$1.yaml"
  echo "$BENCH_WORK/$1.yaml"
}
printf '%s\n' "what is hnsw?" "how are chunks ranked?" "what does the cache hold?" "why batch embeddings?" \
  "what is reciprocal rank fusion?" > "$BENCH_WORK/questions.txt"
distinct=$(ask distinct 'what do circuit breakers do? {{ randint(1, 1000000000) }}' 0)
right=0 false_findings=0

# 1. LLM-bound
sim_port=$(free_port)
start_sim "$sim_port" --max-concurrency 2 --max-queue 0 --ttft 200ms --itl 0ms --output-tokens 1
port=$(free_port)
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --cache-entries 0 --fallback off --llm-max-wait 60s
run_case llm_bound "http://127.0.0.1:$port/metrics http://127.0.0.1:$sim_port/metrics" \
  -f "$distinct" -H "http://127.0.0.1:$port" --stage 5s:2 --stage 20s:24
right=$((right + $(top_is llm_bound throughput_plateau "generation slots")))
stop_serve; stop_sim

# 2. CPU-bound
port=$(free_port)
start_serve "$BENCH_WORK/data-cpu" "$port" --cache-entries 0 --retrieval-cache-entries 0 --embed-cache-entries 0 \
  --hnsw-ef-search 400 --candidates 400
upload_corpus "$port" 300 10 > /dev/null
run_case cpu_bound "http://127.0.0.1:$port/metrics" -f "$distinct" -H "http://127.0.0.1:$port" -u 16 -r 16 \
  -t "${DURATION}s"
right=$((right + $(top_is cpu_bound cpu_bound_target)))
stop_serve

# 3. Backend rate limit
sim_port=$(free_port)
start_sim "$sim_port" --rpm 120 --ttft 20ms --itl 1ms --output-tokens 8
port=$(free_port)
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port" --cache-entries 0
run_case backend_limited "http://127.0.0.1:$port/metrics http://127.0.0.1:$sim_port/metrics" \
  -f "$(ask limited 'what do circuit breakers do? {{ randint(1, 1000000000) }}' 100ms)" -H "http://127.0.0.1:$port" \
  -u 4 -r 4 -t "${DURATION}s"
right=$((right + $(top_is backend_limited rate_limited)))
stop_serve; stop_sim

# 4. Cache off, questions repeated
port=$(free_port)
start_serve_with_corpus "$port" --cache-entries 0
run_case cache_off "http://127.0.0.1:$port/metrics" -f "$(ask repeated '{{ pick(questions) }}' 50ms)" \
  -H "http://127.0.0.1:$port" -u 4 -r 4 -t "${DURATION}s"
right=$((right + $(top_is cache_off low_cache_hit_rate)))
stop_serve

# 5. Generator-bound: every answer a 450 KB JSON document that the generator parses to check
# its last element (nginx sends the file with sendfile, at little cost to itself)
port=$(free_port)
mkdir -p "$BENCH_WORK/www"
python3 -c "import json; print(json.dumps({'items': [{'id': i, 'name': 'item %d' % i, 'tags': ['a', 'b', 'c'], 'score': i / 2} for i in range(6000)]}))" \
  > "$BENCH_WORK/www/items.json"
start_file_nginx "$BENCH_WORK" "$port" "$SERVER_CORE" 1
wait_for_url "http://127.0.0.1:$port/items.json" 100 "$BENCH_WORK/nginx-error.log" || bench_abort "nginx did not start"
sim_port=$(free_port)
start_sim "$sim_port"  # a bystander to scrape: the generator's own series come with any --scrape
printf 'users:\n  - wait: 0\n    tasks:\n      - {path: /items.json, check: {status: [200], json_has: [/items/5999/score]}}\n' \
  > "$BENCH_WORK/items.yaml"
run_case generator_bound "http://127.0.0.1:$sim_port/metrics" -f "$BENCH_WORK/items.yaml" -H "http://127.0.0.1:$port" \
  -u 32 -r 32 -t "${DURATION}s" --threads 1
right=$((right + $(top_is generator_bound generator_saturated)))
stop_static_nginx; stop_sim

# Healthy runs: light load, nothing wrong
sim_port=$(free_port)
start_sim "$sim_port" --ttft 10ms --itl 1ms --output-tokens 4
port=$(free_port)
start_serve_with_corpus "$port" --llm-url "http://127.0.0.1:$sim_port"
run_case healthy_serve "http://127.0.0.1:$port/metrics http://127.0.0.1:$sim_port/metrics" \
  -f "$(ask healthy '{{ pick(questions) }}' 100ms)" -H "http://127.0.0.1:$port" -u 2 -r 2 -t "${DURATION}s"
false_findings=$((false_findings + $(findings_of healthy_serve)))
stop_serve
run_case healthy_sim "http://127.0.0.1:$sim_port/metrics" --openai "http://127.0.0.1:$sim_port" --model m \
  -u 4 -r 4 -t "${DURATION}s"
false_findings=$((false_findings + $(findings_of healthy_sim)))
stop_sim
port=$(free_port)
start_static_nginx "$BENCH_WORK" "$port" "$SERVER_CORE"
sim_port=$(free_port)
start_sim "$sim_port"
run_case healthy_nginx "http://127.0.0.1:$sim_port/metrics" "http://127.0.0.1:$port/" --rate 500 -t "${DURATION}s"
false_findings=$((false_findings + $(findings_of healthy_nginx)))

bench_check "staged faults whose top finding names the cause" "$right" "==" 5
bench_check "findings on healthy runs" "$false_findings" "==" 0
bench_end
