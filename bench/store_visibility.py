#!/usr/bin/env python3
"""Cross-replica visibility on a shared PostgreSQL store: two `ragscale serve` replicas
(A, B) on one private PostgreSQL; each of UPLOADS documents (default 100), carrying a
word of its own, is uploaded to A, and B is polled until it has it. Reported, from A's
201 to the moment B has it, p50/p99/max of:
  searchable: B's /api/v1/search returns the document (target p99 < 1 s);
  indexed:    B's change follower has applied it to B's own dense index
              (ragscale_store_changes_applied_total moved).
Usage: python3 bench/store_visibility.py [--uploads N]  (RAGSCALE_BIN: the binary)."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import postgres  # noqa: E402
from processes import Serve, metric, request  # noqa: E402


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=100)
    args = parser.parse_args()
    if not postgres.available():
        print("store_visibility: " + postgres.UNAVAILABLE, file=sys.stderr)
        return 2
    server = postgres.Postgres()
    replicas = []
    try:
        url = server.create_database("visibility")
        for _ in range(2):
            replicas.append(Serve("--store", url, document=False))
        a, b = replicas
        searchable, indexed = [], []
        for i in range(args.uploads):
            word = "marker%05dword" % i
            applied_before = metric(b.port, "ragscale_store_changes_applied_total")
            status, _, body = request(a.port, "POST", "/api/v1/documents/upload",
                                      {"title": "doc %d" % i, "text": "Visibility probe %s for the replicas." % word})
            acknowledged = time.perf_counter()
            assert status == 201, body
            document = json.loads(body)["id"]
            seen_search = seen_index = None
            deadline = acknowledged + 10
            while (seen_search is None or seen_index is None) and time.perf_counter() < deadline:
                if seen_search is None:
                    _, _, raw = request(b.port, "POST", "/api/v1/search", {"query": word, "top_k": 3})
                    if document in [d["document_id"] for d in json.loads(raw).get("documents", [])]:
                        seen_search = time.perf_counter() - acknowledged
                if seen_index is None and metric(b.port, "ragscale_store_changes_applied_total") > applied_before:
                    seen_index = time.perf_counter() - acknowledged
                time.sleep(0.002)
            searchable.append(seen_search if seen_search is not None else float("inf"))
            indexed.append(seen_index if seen_index is not None else float("inf"))
        for name, values in (("searchable", searchable), ("indexed", indexed)):
            print("%-10s on B after A's 201: p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%d uploads)" % (
                name, 1000 * quantile(values, 0.5), 1000 * quantile(values, 0.99), 1000 * max(values), len(values)))
        ok = quantile(searchable, 0.99) < 1.0 and quantile(indexed, 0.99) < 1.0
        print("verdict: %s (target p99 < 1000 ms)" % ("PASS" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        for replica in reversed(replicas):
            replica.stop()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
