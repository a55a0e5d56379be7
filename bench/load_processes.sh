#!/bin/sh
# Scale of `ragscale load --processes` on one machine when the generator is the limit: each
# request's answer is an embeddings response of about 240 KB (16 vectors of 1,536 numbers,
# as an OpenAI-compatible /v1/embeddings answers) that the scenario checks (json_has
# parses it, every number), so the generator spends far more per request than nginx,
# which sends the file with sendfile.
# One process on one core (taskset -c 0, --threads 1) against --processes 2 on two cores
# (taskset -c 0,1: one child pinned to each), nginx unpinned with two workers (reuseport, so
# both take connections) on the same two cores; 16 users, no think time. The runs alternate and the figure is the median of the runs' ratios.
# Target: --processes 2 >= 1.8x one process's successful requests/s, no failures.
# Env: RUNS (3), DURATION seconds (10).
set -eu
. "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
bench_begin load_processes "--processes 2 >= 1.8x one process, 0 failures"
bench_require_tools nginx taskset curl python3
bench_require_executable "$LOAD_BIN"

port=$(free_port)
mkdir "$BENCH_WORK/www"
python3 -c "
import json, random
random.seed(1)
doc = {'object': 'list', 'model': 'text-embedding-3-small',
       'data': [{'object': 'embedding', 'index': i, 'embedding': [round(random.uniform(-0.1, 0.1), 6) for _ in range(1536)]}
                for i in range(16)], 'usage': {'prompt_tokens': 512, 'total_tokens': 512}}
open('$BENCH_WORK/www/answer.json', 'w').write(json.dumps(doc))"
start_file_nginx "$BENCH_WORK" "$port" 0,1 2
bench_at_exit stop_static_nginx
wait_for_url "http://127.0.0.1:$port/answer.json" 100 "$BENCH_WORK/nginx-error.log" || bench_abort "nginx did not start"
cat > "$BENCH_WORK/scenario.yaml" << YAML
host: http://127.0.0.1:$port
users:
  - name: reader
    wait: 0
    tasks:
      - {path: /answer.json, check: {status: [200], json_has: [/data/15/embedding/1535, /usage/total_tokens]}}
load: {users: 16, spawn_rate: 16, run_time: ${DURATION}s}
YAML

ratios=""; one_runs=""; two_runs=""; failures=0
for run in $(seq 1 "$RUNS"); do
  dir="$BENCH_WORK/run$run"
  mkdir "$dir"
  taskset -c 0 "$LOAD_BIN" load -f "$BENCH_WORK/scenario.yaml" --threads 1 -q --json "$dir/one.json" \
    > "$dir/one.log" 2>&1 || bench_abort "one process failed: $(tail -n 1 "$dir/one.log")"
  taskset -c 0,1 "$LOAD_BIN" load -f "$BENCH_WORK/scenario.yaml" --processes 2 -q --json "$dir/two.json" \
    > "$dir/two.log" 2>&1 || bench_abort "--processes 2 failed: $(tail -n 1 "$dir/two.log")"
  one=$(load_successes_per_s "$dir/one.json")
  two=$(load_successes_per_s "$dir/two.json")
  failures=$((failures + $(load_failures "$dir/one.json") + $(load_failures "$dir/two.json")))
  ratio=$(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.3f", b / a }')
  echo "run $run: one process $one req/s, --processes 2 $two req/s: ${ratio}x"
  ratios="$ratios $ratio"; one_runs="$one_runs $one"; two_runs="$two_runs $two"
done
echo "medians: one process $(median $one_runs) req/s, --processes 2 $(median $two_runs) req/s"
bench_check "--processes 2 / one process" "$(median $ratios)" ">=" 1.8
bench_check_equal "failed requests" "$failures" 0
bench_end
