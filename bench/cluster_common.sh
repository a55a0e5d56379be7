#!/bin/sh
# Shared helpers for the benchmarks of `ragscale cluster`: sourced, not run.
# The cluster's processes run pinned to SERVER_CORE (taskset on `cluster up`: every
# process the keeper starts inherits it), the load to CLIENT_CORE.
. "$(dirname "$0")/serve_sim_common.sh"

# cluster_start DIR REPLICAS PORT [cluster up flags...]: a cluster, with the sample corpus
# uploaded through its balancer and searchable.
cluster_start() {
  _dir=$1; _replicas=$2; _port=$3; shift 3
  chmod o+x "$BENCH_WORK"  # PostgreSQL runs as the postgres user, which must enter DIR's parent
  taskset -c "$SERVER_CORE" "$RAGSCALE_BIN" cluster up --replicas "$_replicas" --dir "$_dir" --port "$_port" "$@" \
    > "$BENCH_WORK/cluster-up.log" 2>&1 || bench_abort "cluster up failed: $(tail -n 2 "$BENCH_WORK/cluster-up.log")"
  "$RAGSCALE_BIN" ingest "$BENCH_ROOT/corpus/documents" --host "http://127.0.0.1:$_port" -q \
    > "$BENCH_WORK/ingest.log" 2>&1 || bench_abort "the corpus was not ingested: $(tail -n 2 "$BENCH_WORK/ingest.log")"
}

# cluster_stop DIR: stops it and deletes its data.
cluster_stop() {
  "$RAGSCALE_BIN" cluster down --dir "$1" --purge > /dev/null 2>&1 || true
}

# cluster_base_port: a port P with P .. P+40 free.
cluster_base_port() {
  python3 - <<'PY'
import socket
for _ in range(200):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        base = s.getsockname()[1]
    if base + 40 > 65000:
        continue
    try:
        held = []
        for p in range(base, base + 40):
            t = socket.socket(); held.append(t); t.bind(("127.0.0.1", p))
        print(base)
        break
    except OSError:
        pass
    finally:
        for t in held:
            t.close()
PY
}
