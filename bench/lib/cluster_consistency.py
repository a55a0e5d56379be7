#!/usr/bin/env python3
"""Consistency across the replicas of a running `ragscale cluster` (DIR):
  visibility: UPLOADS documents, each with a word of its own, uploaded through the balancer;
              every replica is polled until its search returns the document; per upload the
              slowest replica's time from the 201 (p50, p99, max; target p99 < 1 s);
  shared cache: QUESTIONS new questions, each asked first of one replica and then of every
              other; the share of the others' lookups that hit the answer Redis holds
              (ragscale_cache_l2_hits_total; target: every one).
Prints one JSON object of figures on its last line.
Usage: cluster_consistency.py DIR BIN [UPLOADS] [QUESTIONS]"""
import json
import os
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
from processes import metric, request  # noqa: E402


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


def settle(ports):
    """Waits until every replica reads one shared index generation, unchanged for 0.3 s."""
    deadline = time.time() + 10
    while time.time() < deadline:
        first = [metric(p, "ragscale_shared_index_generation") for p in ports]
        time.sleep(0.3)
        if len(set(first)) == 1 and [metric(p, "ragscale_shared_index_generation") for p in ports] == first:
            return
    raise AssertionError("the replicas did not agree on the shared index generation")


def main():
    folder, binary = sys.argv[1:3]
    uploads = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    questions = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    status = json.loads(subprocess.run([binary, "cluster", "status", "--dir", folder, "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    balancer = int(status["balancer_url"].rsplit(":", 1)[1])
    ports = [p["port"] for p in status["processes"] if p["role"] == "replica"]
    slowest = []
    for i in range(uploads):
        word = "probe%05d%s" % (i, uuid.uuid4().hex[:6])
        code, _, body = request(balancer, "POST", "/api/v1/documents/upload",
                                {"title": "visibility %d" % i, "text": "Visibility %s across the replicas." % word})
        acknowledged = time.perf_counter()
        assert code == 201, body
        document = json.loads(body)["id"]
        seen = {}
        while len(seen) < len(ports) and time.perf_counter() - acknowledged < 10:
            for port in ports:
                if port in seen:
                    continue
                _, _, raw = request(port, "POST", "/api/v1/search", {"query": word, "top_k": 3})
                if document in [d["document_id"] for d in json.loads(raw).get("documents", [])]:
                    seen[port] = time.perf_counter() - acknowledged
            time.sleep(0.002)
        slowest.append(max(seen.values()) if len(seen) == len(ports) else float("inf"))
    settle(ports)
    hits_before = sum(metric(p, "ragscale_cache_l2_hits_total") for p in ports)
    for i in range(questions):
        question = {"query": "how do replicas share cached answers, case %s?" % uuid.uuid4().hex}
        first = ports[i % len(ports)]
        assert request(first, "POST", "/api/v1/query", question)[0] == 200
        for port in ports:
            if port != first:
                assert request(port, "POST", "/api/v1/query", question)[0] == 200
    hits = sum(metric(p, "ragscale_cache_l2_hits_total") for p in ports) - hits_before
    others = questions * (len(ports) - 1)
    print(json.dumps({"replicas": len(ports), "uploads": uploads,
                      "visible_p50_ms": round(1000 * quantile(slowest, 0.5), 1),
                      "visible_p99_ms": round(1000 * quantile(slowest, 0.99), 1),
                      "visible_max_ms": round(1000 * max(slowest), 1),
                      "shared_cache_lookups": others, "shared_cache_hits": int(hits),
                      "shared_cache_hit_share": hits / others if others else None}))


if __name__ == "__main__":
    main()
