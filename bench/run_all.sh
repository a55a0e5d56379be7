#!/bin/sh
# Runs every benchmark in turn (`make bench`), whatever the earlier ones found, then
# prints which met their targets and which did not; exits 1 when any missed (or could
# not measure). Each benchmark's last line is its verdict, with its figures and targets;
# docs/benchmarks/ records results and machines.
# Usage: bench/run_all.sh [NAME...]   (default: all; NAME as in load_speed)
set -u
cd "$(dirname "$0")/.."
benchmarks=${*:-load_speed load_scale load_accuracy serve_health_vs_nginx serve_cached_query serve_ingest serve_retrieval serve_coalescing serve_embed_batching serve_outage serve_outage_hang serve_cache_effect serve_cache_l2 rate_limit sim_streams llm_accuracy llm_scale llm_goodput load_https compare_stability diagnose_staged_faults load_scrape_cost load_segments_exactness load_processes cluster_scale_out cluster_failover cluster_haproxy_overhead cluster_consistency}
results=$(mktemp -d "${TMPDIR:-/tmp}/ragscale-bench-all.XXXXXX")
trap 'rm -rf "$results"' EXIT
trap 'exit 130' INT TERM

met=""; missed=""
for name in $benchmarks; do
  echo "== bench/$name.sh"
  # The status of the benchmark itself, not of tee.
  { "bench/$name.sh"; echo $? > "$results/$name.status"; } 2>&1 | tee "$results/$name.log"
  status=$(cat "$results/$name.status" 2> /dev/null || echo 2)
  if [ "$status" = 0 ]; then
    met="$met $name"
  else
    missed="$missed $name"
    verdict=$(tail -n 1 "$results/$name.log")
    case "$verdict" in
      *": FAIL") ;;
      *) verdict="$name: ended with exit status $status and no verdict line: FAIL"; echo "$verdict" ;;
    esac
    echo "$verdict" > "$results/$name.verdict"
  fi
  echo
done

echo "== summary"
count() { echo $#; }
echo "met their targets ($(count $met)):${met:- none}"
echo "missed or could not measure ($(count $missed)):${missed:- none}"
for name in $missed; do
  echo "  $(cat "$results/$name.verdict")"
done
[ -z "$missed" ]
