#!/usr/bin/env python3
"""Driver of bench/rate_limit.sh: API keys sending evenly paced searches (open model: each
request leaves at its scheduled time whether or not earlier ones were answered) against
`ragscale serve --rate-limit RATE`. Prints one JSON object of figures on its last line.

  rate_limit_driver.py SERVE SECONDS PER_MINUTE BURST DRAIN_KEY:PER_MIN FULL_KEY:PER_MIN...

DRAIN_KEY first spends its burst (requests back to back until the first 429), then is
paced; each FULL_KEY is paced from a full bucket. Every key's figures come with what an
ideal token bucket of PER_MINUTE and BURST would refuse on the same ideal schedule.
"""
import http.client
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

BODY = json.dumps({"query": "how does hybrid retrieval rank chunks?", "top_k": 2})


class Client:
    """One keep-alive connection per thread, reopened whenever the server closes it (it
    closes after refusing a request whose body it did not read)."""

    def __init__(self, base):
        url = urlparse(base)
        self.host, self.port = url.hostname, url.port
        self.local = threading.local()

    def search(self, key):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        started = time.monotonic()
        try:
            conn.request("POST", "/api/v1/search", BODY, {"Content-Type": "application/json", "X-API-Key": key})
            response = conn.getresponse()
            response.read()
            return response.status, response.getheader("Retry-After"), time.monotonic() - started
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            return -1, None, time.monotonic() - started


def ideal_refusals(count, interval, per_second, burst, level):
    """Refusals of an ideal token bucket holding `level` tokens for `count` requests
    `interval` seconds apart."""
    refused, previous = 0, 0.0
    for i in range(count):
        now = i * interval
        level = min(burst, level + (now - previous) * per_second)
        previous = now
        if level >= 1 - 1e-9:
            level -= 1
        else:
            refused += 1
    return refused


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


def drain(client, key, limit=100000):
    """Requests back to back until the first 429; returns how many passed before it."""
    passed = 0
    while passed < limit:
        status, _, _ = client.search(key)
        if status == 429:
            return passed
        if status != 200:
            raise SystemExit(f"drain: {key} got {status}")
        passed += 1
    raise SystemExit(f"drain: {key} was never refused")


def main(argv):
    serve, seconds, per_minute, burst = argv[0], float(argv[1]), float(argv[2]), float(argv[3])
    keys = []
    for position, spec in enumerate(argv[4:]):
        name, rate = spec.split(":")
        keys.append({"key": name, "per_minute": float(rate), "drained": position == 0})
    client = Client(serve)
    drain_key = keys[0]
    drain_key["burst_passed"] = drain(client, drain_key["key"])

    results = {k["key"]: [] for k in keys}
    lock = threading.Lock()
    pool = ThreadPoolExecutor(32)
    start = time.monotonic() + 0.05

    def send(key):
        status, retry_after, latency = client.search(key)
        with lock:
            results[key].append((status, retry_after, latency))

    def pace(spec):
        interval = 60.0 / spec["per_minute"]
        spec["sent"] = int(seconds / interval)
        for i in range(spec["sent"]):
            delay = start + i * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, spec["key"])

    pacers = [threading.Thread(target=pace, args=(spec,)) for spec in keys]
    for thread in pacers:
        thread.start()
    for thread in pacers:
        thread.join()
    pool.shutdown(wait=True)

    figures = {"seconds": seconds, "rate_per_minute": per_minute, "burst": burst, "keys": {}}
    for spec in keys:
        replies = results[spec["key"]]
        refused = [r for r in replies if r[0] == 429]
        interval = 60.0 / spec["per_minute"]
        expected = ideal_refusals(spec["sent"], interval, per_minute / 60.0, burst, 0.0 if spec["drained"] else burst)
        figures["keys"][spec["key"]] = {
            "per_minute": spec["per_minute"],
            "start": "burst spent" if spec["drained"] else "full bucket",
            "burst_passed": spec.get("burst_passed"),
            "sent": len(replies),
            "ok": sum(1 for r in replies if r[0] == 200),
            "refused": len(refused),
            "refused_share": round(100.0 * len(refused) / len(replies), 2) if replies else None,
            "expected_refused": expected,
            "expected_share": round(100.0 * expected / spec["sent"], 2) if spec["sent"] else None,
            "refused_without_retry_after": sum(1 for r in refused if not (r[1] or "").isdigit() or int(r[1]) < 1),
            "client_errors": sum(1 for r in replies if 400 <= r[0] < 500 and r[0] != 429),
            "server_errors": sum(1 for r in replies if r[0] >= 500),
            "transport_errors": sum(1 for r in replies if r[0] < 0),
            "other_statuses": sorted({r[0] for r in replies if r[0] not in (200, 429)}),
            "p99_ms_ok": round(1000 * (percentile([r[2] for r in replies if r[0] == 200], 0.99) or 0), 2),
            "p99_ms_refused": round(1000 * (percentile([r[2] for r in refused], 0.99) or 0), 2),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
