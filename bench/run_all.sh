#!/bin/sh
# Runs every benchmark in turn (`make bench`). Each script prints its figures and the
# target they are checked against; docs/benchmarks/ records results and machines.
set -eu
cd "$(dirname "$0")/.."
for script in load_speed.sh load_scale.sh load_accuracy.sh \
              serve_health_vs_nginx.sh serve_cached_query.sh serve_ingest.sh serve_retrieval.sh; do
  echo "== bench/$script"
  "bench/$script"
  echo
done
echo "== bench/sim_streams.sh"
bench/sim_streams.sh
