#!/usr/bin/env python3
"""An independent measurement of streamed chat completions, for bench/llm_accuracy.sh:
a few threads, each one http.client connection, POSTing streamed requests and reading
the SSE lines as they arrive. Time to first token = from the request's send to the first
line whose chunk has non-empty choices[0].delta.content; every later content line's gap
is an inter-token latency. Prints one JSON line: counts and p50/p99 in ms.
Usage: sse_probe.py PORT SECONDS [THREADS]"""
import http.client
import json
import sys
import threading
import time

PORT, SECONDS = int(sys.argv[1]), float(sys.argv[2])
THREADS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
BODY = json.dumps({"model": "probe", "stream": True, "messages": [{"role": "user", "content": "hello there"}]})
ttfts, gaps, lock = [], [], threading.Lock()


def worker(deadline):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    while time.monotonic() < deadline:
        sent = time.perf_counter()
        conn.request("POST", "/v1/chat/completions", body=BODY, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        first, last, my_gaps = None, None, []
        while True:
            line = response.readline()
            now = time.perf_counter()
            if not line:
                break
            if not line.startswith(b"data:"):
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                continue
            choices = json.loads(data).get("choices") or []
            if not choices or not (choices[0].get("delta") or {}).get("content"):
                continue
            if first is None:
                first = now
            else:
                my_gaps.append(now - last)
            last = now
        with lock:
            if first is not None:
                ttfts.append(first - sent)
            gaps.extend(my_gaps)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else float("nan")


deadline = time.monotonic() + SECONDS
threads = [threading.Thread(target=worker, args=(deadline,)) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"streams": len(ttfts), "gaps": len(gaps), "ttft_p50_ms": percentile(ttfts, 50),
                  "itl_p50_ms": percentile(gaps, 50), "itl_p99_ms": percentile(gaps, 99)}))
