#!/usr/bin/env python3
"""Drivers for the resilience benchmarks of `ragscale serve` in front of `ragscale sim`.
Each prints one JSON object of figures on its last line; the bench/*.sh scripts judge them.

  coalesce SERVE SIM N                 N concurrent copies of one new question
  outage SERVE SIM MODE [USERS]        users asking distinct questions through a backend outage
                                       (MODE error: every call 503; hang: accepted, never answered)
  batching SERVE SIM N                 N concurrent distinct searches
  cache-effect SERVE RATES SECONDS     open-model question mix with 65% repeats at each rate in
                                       RATES (comma-separated) until p95 >= 3 s or an error
  overload SERVE RATE SECONDS [PID]    open-model distinct questions at RATE/s; answers by mode,
                                       refusals and their Retry-After, p99s; PID's peak RSS
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

SUBJECTS = ["vector graph search", "chunk embedding", "rank fusion", "query retrieval", "index rebuild",
            "keyword scoring", "cache warming", "breaker probes", "batch sizes", "answer citations"]


def sim_metric(sim, prefix, needle):
    text = urllib.request.urlopen(sim + "/metrics", timeout=5).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(prefix) and needle in line)


def chat_calls(sim):
    """Chat requests that reached the sim, counting the ones it swallowed (hang faults)."""
    return (sim_metric(sim, "ragscale_sim_requests_total{", 'endpoint="chat"') +
            sim_metric(sim, "ragscale_sim_faults_injected_total{", 'kind="timeout"'))


def set_faults(sim, faults):
    request = urllib.request.Request(sim + "/admin/faults", json.dumps(faults).encode(),
                                     {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


class Connection:
    """A keep-alive connection, reopened after any failure."""

    def __init__(self, base, timeout=60):
        url = urlparse(base)
        self.host, self.port, self.timeout, self.conn = url.hostname, url.port, timeout, None

    def post(self, path, body):
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
                response = self.conn.getresponse()
                raw = response.read()
                try:
                    return response.status, json.loads(raw)
                except ValueError:
                    return response.status, None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn = None
                if attempt:
                    return -1, None
            except OSError:
                self.conn = None
                return -2, None


def new_question():
    return f"How does {random.choice(SUBJECTS)} work here? ({uuid.uuid4().hex[:10]})"


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def coalesce(serve, sim, n):
    n = int(n)
    before = chat_calls(sim)
    question = new_question()
    barrier = threading.Barrier(n)
    replies = [None] * n

    def ask(i):
        connection = Connection(serve)
        barrier.wait()
        replies[i] = connection.post("/query", {"question": question})
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(0.5)
    answered = [r for r in replies if r and r[0] == 200 and r[1]]
    return {"requests": n, "answered": len(answered),
            "distinct_answers": len({r[1]["answer"] for r in answered}),
            "degraded": sum(1 for r in answered if r[1].get("degraded")),
            "backend_calls": chat_calls(sim) - before}


def outage(serve, sim, mode, users=50, fault_at=10.0, heal_at=40.0, end_at=75.0):
    users = int(users)
    origin = time.monotonic()
    records = []  # (sent, done, status, degraded)
    lock = threading.Lock()
    stop = threading.Event()

    def user():
        connection = Connection(serve, timeout=60)
        while not stop.is_set():
            sent = time.monotonic() - origin
            status, body = connection.post("/query", {"question": new_question()})
            done = time.monotonic() - origin
            with lock:
                records.append((sent, done, status, bool(body and body.get("degraded"))))
            if status != 200:
                time.sleep(0.05)

    def at(moment):
        time.sleep(max(0.0, moment - (time.monotonic() - origin)))

    threads = [threading.Thread(target=user, daemon=True) for _ in range(users)]
    for thread in threads:
        thread.start()
    at(fault_at)
    set_faults(sim, {"error": {"error_rate": 1.0, "error_status": 503}, "hang": {"timeout_rate": 1.0}}[mode])
    at(fault_at + 12)
    open_from, calls_from = time.monotonic() - origin, chat_calls(sim)
    at(heal_at)
    open_to, calls_to = time.monotonic() - origin, chat_calls(sim)
    set_faults(sim, {})
    at(end_at)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    records.sort()
    # The breaker is open from the first request after the fault from which every request
    # sent until the heal is answered 200 within a second.
    during = [r for r in records if fault_at <= r[0] < heal_at - 1]
    opened = None
    for i in range(len(during)):
        if all(r[2] == 200 and r[1] - r[0] < 1.0 for r in during[i:]):
            opened = during[i][0]
            break
    open_latencies = [r[1] - r[0] for r in during if opened is not None and r[0] >= opened]
    recovered = None
    streak = 0
    for r in (r for r in records if r[0] >= heal_at):
        streak = streak + 1 if r[2] == 200 and not r[3] else 0
        if streak >= 5:
            recovered = r[0] - heal_at
            break
    errors = sum(1 for r in records if r[2] != 200)
    p99 = percentile(open_latencies, 0.99)
    return {"mode": mode, "users": users, "requests": len(records), "errors": errors,
            "error_percent": round(100.0 * errors / max(1, len(records)), 3),
            "open_after_s": None if opened is None else round(opened - fault_at, 2),
            "p99_while_open_ms": None if p99 is None else round(p99 * 1000, 1),
            "backend_calls_per_s_while_open": round((calls_to - calls_from) / (open_to - open_from), 2),
            "recovered_after_s": None if recovered is None else round(recovered, 2),
            "slowest_s": round(max((r[1] - r[0] for r in records), default=0), 2)}


def batching(serve, sim, n):
    n = int(n)
    before = sim_metric(sim, "ragscale_sim_requests_total{", 'endpoint="embeddings"')
    barrier = threading.Barrier(n)
    statuses = [None] * n

    def search(i):
        connection = Connection(serve)
        barrier.wait()
        statuses[i] = connection.post("/api/v1/search", {"query": new_question(), "top_k": 3})[0]
    threads = [threading.Thread(target=search, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = sim_metric(sim, "ragscale_sim_requests_total{", 'endpoint="embeddings"') - before
    return {"queries": n, "answered": statuses.count(200), "embedding_calls": calls,
            "queries_per_call": round(n / calls, 2) if calls else None}


def open_model_mix(serve, rate, seconds, repeat_share, seed):
    """Questions at `rate`/s for `seconds`: each a repeat of an earlier one with probability
    repeat_share, else new. Returns (latencies of 200s, other statuses, sent)."""
    rng = random.Random(seed)
    asked, plan = [], []
    for _ in range(int(rate * seconds)):
        if asked and rng.random() < repeat_share:
            plan.append(rng.choice(asked))
        else:
            asked.append(f"Tell me about {rng.choice(SUBJECTS)} case {len(asked)} ({seed})")
            plan.append(asked[-1])
    latencies, failures = [], 0
    lock = threading.Lock()
    local = threading.local()
    origin = time.monotonic() + 0.2

    def send(i):
        nonlocal failures
        intended = origin + i / rate
        time.sleep(max(0.0, intended - time.monotonic()))
        if not hasattr(local, "connection"):
            local.connection = Connection(serve, timeout=60)
        status, body = local.connection.post("/query", {"question": plan[i]})
        took = time.monotonic() - intended  # from the intended send: no coordinated omission
        with lock:
            if status == 200 and body and not body.get("degraded"):
                latencies.append(took)
            else:
                failures += 1
    with ThreadPoolExecutor(max_workers=min(800, int(rate * 20) + 8)) as pool:
        list(pool.map(send, range(len(plan))))
    return latencies, failures, len(plan)


def cache_effect(serve, rates, seconds, repeat_share=0.65):
    seconds = float(seconds)
    steps, best = [], 0.0
    for step, rate in enumerate(float(r) for r in rates.split(",")):
        latencies, failures, sent = open_model_mix(serve, rate, seconds, repeat_share, seed=step + 1)
        p95 = percentile(latencies, 0.95) if len(latencies) == sent else None
        steps.append({"rate": rate, "answers": len(latencies), "failures": failures,
                      "p95_s": None if p95 is None else round(p95, 3)})
        if failures or p95 is None or p95 >= 3.0:
            break
        best = len(latencies) / seconds
    return {"repeat_share": repeat_share, "answers_per_s_within_p95_3s": round(best, 2), "steps": steps}


def peak_rss_kb(pid, stop, peak):
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            return
        stop.wait(0.5)


def overload(serve, rate, seconds, pid=None, warm=5.0):
    """Distinct questions at `rate`/s for `seconds`, open model: latency from each intended
    send time. Figures cover the run after its first `warm` seconds."""
    rate, seconds = float(rate), float(seconds)
    records = []  # (intended offset, latency, status, mode, has Retry-After)
    lock = threading.Lock()
    local = threading.local()
    origin = time.monotonic() + 0.3
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=peak_rss_kb, args=(int(pid), stop, peak)) if pid else None
    if sampler:
        sampler.start()
    url = urlparse(serve)

    def send(i):
        intended = origin + i / rate
        time.sleep(max(0.0, intended - time.monotonic()))
        if not hasattr(local, "conn"):
            local.conn = None
        for attempt in (0, 1):
            try:
                if local.conn is None:
                    local.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
                local.conn.request("POST", "/query", json.dumps({"question": new_question()}),
                                   {"Content-Type": "application/json"})
                response = local.conn.getresponse()
                raw = response.read()
                status, retry_after = response.status, response.getheader("Retry-After") is not None
                break
            except (http.client.HTTPException, OSError):
                local.conn = None
                status, retry_after, raw = -1, False, b""
        latency = time.monotonic() - intended
        try:
            mode = json.loads(raw).get("mode") if status == 200 else None
        except ValueError:
            mode = None
        with lock:
            records.append((intended - origin, latency, status, mode, retry_after))
    with ThreadPoolExecutor(max_workers=min(1000, int(rate * 4) + 16)) as pool:
        list(pool.map(send, range(int(rate * seconds))))
    stop.set()
    if sampler:
        sampler.join()
    window = [r for r in records if r[0] >= warm]
    span = seconds - warm
    answers = [r for r in window if r[2] == 200]
    full = [r for r in answers if r[3] == "full"]
    refused = [r for r in window if r[2] in (429, 503)]
    p99 = percentile([r[1] for r in answers], 0.99)
    p99_refused = percentile([r[1] for r in refused], 0.99)
    modes = {}
    for r in answers:
        modes[r[3]] = modes.get(r[3], 0) + 1
    return {"offered_per_s": rate, "seconds": seconds, "full_per_s": round(len(full) / span, 2),
            "full_within_2s_per_s": round(sum(1 for r in full if r[1] < 2.0) / span, 2),
            "other_answers_per_s": round((len(answers) - len(full)) / span, 2), "modes": modes,
            "refused_per_s": round(len(refused) / span, 2),
            "refused_without_retry_after": sum(1 for r in refused if not r[4]),
            "other_statuses": sum(1 for r in window if r[2] not in (200, 429, 503)),
            "p99_answers_ms": None if p99 is None else round(p99 * 1000, 1),
            "p99_refusals_ms": None if p99_refused is None else round(p99_refused * 1000, 2),
            "peak_rss_mb": round(peak[0] / 1024, 1) if pid else None}


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    run = {"coalesce": coalesce, "outage": outage, "batching": batching, "cache-effect": cache_effect,
           "overload": overload}[command]
    print(json.dumps(run(*arguments)))
