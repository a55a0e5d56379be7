"""Integration tests for how `ragscale serve` protects its model backends: coalescing,
circuit breakers with degraded fallback, timeouts, query-time embedding batches, stale
answers, the warm file and /ready. Everything runs against the real binaries: serve in
front of `ragscale sim`, whose faults are switched through its /admin/faults route.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import unittest

from processes import BIN, ProcessesTestCase, Serve, Sim, metric, request

def chat_calls(sim):
    """Chat calls that reached the sim: answered ones plus those it swallowed (hang faults)."""
    return (metric(sim.port, "ragscale_sim_requests_total", 'endpoint="chat"') +
            metric(sim.port, "ragscale_sim_faults_injected_total", 'kind="timeout"'))


def embedding_calls(sim):
    return metric(sim.port, "ragscale_sim_requests_total", 'endpoint="embeddings"')


def sse_events(text):
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name = re.search(r"^event: (\S+)", block, re.M)
        data = re.search(r"^data: (.*)$", block, re.M)
        events.append((name.group(1) if name else "message", json.loads(data.group(1)) if data else None))
    return events


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class ResilienceTest(ProcessesTestCase):
    def test_concurrent_identical_questions_share_one_generation(self):
        sim = self.start(Sim("--ttft", "600ms", "--itl", "2ms", "--output-tokens", "12", "--max-concurrency", "256"))
        serve = self.start(Serve("--llm-url", sim.url, "--llm-connections", "128"))
        before = chat_calls(sim)
        with concurrent.futures.ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(lambda _: serve.query("How do circuit breakers protect a backend?"), range(40)))
        self.assertEqual([a[0] for a in answers], [200] * 40)
        self.assertEqual(len({a[2]["answer"] for a in answers}), 1, "every waiter gets the same answer")
        self.assertTrue(all(not a[2]["degraded"] for a in answers))
        time.sleep(0.2)
        self.assertEqual(chat_calls(sim) - before, 1, "40 copies of one new question cost one generation")
        self.assertGreaterEqual(metric(serve.port, "ragscale_coalesced_total"), 39)

    def test_a_late_joiner_of_a_stream_gets_the_frames_so_far_then_the_rest(self):
        sim = self.start(Sim("--ttft", "100ms", "--itl", "60ms", "--output-tokens", "20"))
        serve = self.start(Serve("--llm-url", sim.url))
        before = chat_calls(sim)
        results = {}

        def ask(name):
            results[name] = serve.query("What does request coalescing share?", stream=True)

        first = threading.Thread(target=ask, args=("first",))
        first.start()
        time.sleep(0.6)  # several tokens have gone out
        ask("late")
        first.join()
        streams = {}
        for name, (status, _, text) in results.items():
            self.assertEqual(status, 200)
            events = sse_events(text)
            tokens = "".join(data["text"] for kind, data in events if kind == "token")
            self.assertEqual(events[-1][0], "done")
            self.assertEqual(events[-1][1]["answer"], tokens)
            streams[name] = tokens
        self.assertEqual(streams["late"], streams["first"])
        self.assertEqual(chat_calls(sim) - before, 1)

    def test_an_outage_opens_the_breaker_answers_degraded_and_recovers(self):
        sim = self.start(Sim("--ttft", "20ms", "--itl", "1ms", "--output-tokens", "6", "--max-concurrency", "256"))
        serve = self.start(Serve("--llm-url", sim.url, "--breaker-open-wait", "1s", "--breaker-window", "5s"))
        status, answer = serve.query("warm-up question about breakers")[::2]
        self.assertFalse(answer["degraded"], answer)
        sim.faults({"error_rate": 1.0, "error_status": 503})
        replies = []
        lock = threading.Lock()
        stop = time.time() + 4

        def user(number):
            counter = 0
            while time.time() < stop:
                counter += 1
                status, _, body = serve.query(f"distinct question {number}.{counter}: what do circuit breakers stop?")
                with lock:
                    replies.append((status, body))

        users = [threading.Thread(target=user, args=(n,)) for n in range(10)]
        for thread in users:
            thread.start()
        for thread in users:
            thread.join()
        self.assertTrue(all(r[0] == 200 for r in replies), "an outage must not become user-visible errors")
        self.assertTrue(all(r[1]["degraded"] for r in replies))
        reasons = {r[1]["degraded_reason"] for r in replies}
        self.assertIn("llm_circuit_open", reasons)
        self.assertIn("[1]", replies[-1][1]["answer"], "the fallback answers from the retrieved passages")
        status, ready = serve.ready()
        self.assertEqual(status, 200, "degraded service is still ready")
        self.assertIn(ready["dependencies"]["llm"], ("open", "half_open"))
        self.assertEqual(metric(serve.port, "ragscale_circuit_state", 'backend="llm"') in (1, 2), True)
        calls_open = chat_calls(sim)
        time.sleep(2.0)
        for i in range(20):
            serve.query(f"while open {i}")
        self.assertLessEqual(chat_calls(sim) - calls_open, 8, "an open breaker lets only probes through")
        sim.faults({})
        deadline = time.time() + 15
        while time.time() < deadline:
            status, _, body = serve.query(f"after the heal {time.time()}")
            if not body["degraded"]:
                break
            time.sleep(0.2)
        self.assertFalse(body["degraded"], "full answers return after the heal")
        self.assertEqual(serve.ready()[1]["dependencies"]["llm"], "ok")
        self.assertGreater(metric(serve.port, "ragscale_degraded_total", 'reason="llm_circuit_open"'), 0)

    def test_a_hung_model_costs_at_most_the_deadline_then_the_breaker_answers_fast(self):
        sim = self.start(Sim("--ttft", "20ms", "--itl", "1ms", "--output-tokens", "6", "--max-concurrency", "256"))
        serve = self.start(Serve("--llm-url", sim.url, "--llm-timeout", "1500ms", "--llm-connections", "64",
                                 "--breaker-open-wait", "10s", "--breaker-consecutive", "3"))
        sim.faults({"timeout_rate": 1.0})
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            timed = list(pool.map(lambda i: (time.time(), serve.query(f"hung question {i}"), time.time()), range(8)))
        for started, (status, _, body), ended in timed:
            self.assertEqual(status, 200)
            self.assertTrue(body["degraded"])
            self.assertLess(ended - started, 2.5, "no answer waits much past its deadline")
        self.assertEqual(serve.ready()[1]["dependencies"]["llm"], "open")
        started = time.time()
        status, _, body = serve.query("asked while the breaker is open")
        self.assertLess(time.time() - started, 0.5)
        self.assertEqual(body["degraded_reason"], "llm_circuit_open")

    def test_a_model_failing_mid_stream_falls_back_in_the_stream(self):
        sim = self.start(Sim("--ttft", "20ms", "--itl", "20ms", "--output-tokens", "30", "--reset-rate", "1.0"))
        serve = self.start(Serve("--llm-url", sim.url))
        status, _, text = serve.query("How does micro-batching group requests?", stream=True)
        self.assertEqual(status, 200)
        events = sse_events(text)
        kinds = [kind for kind, _ in events]
        self.assertIn("fallback", kinds, text)
        after = kinds.index("fallback")
        fallback_tokens = "".join(data["text"] for kind, data in events[after:] if kind == "token")
        self.assertEqual(events[-1][0], "done")
        final = events[-1][1]
        self.assertTrue(final["degraded"])
        self.assertEqual(final["answer"], fallback_tokens, "after the fallback event its tokens are the answer")

    def test_an_expired_answer_is_served_stale_when_the_model_fails(self):
        sim = self.start(Sim("--ttft", "10ms", "--itl", "1ms", "--output-tokens", "6"))
        serve = self.start(Serve("--llm-url", sim.url, "--cache-ttl", "500ms", "--stale-grace", "1h"))
        question = "What do circuit breakers let through?"
        status, _, fresh = serve.query(question)
        self.assertFalse(fresh["degraded"])
        time.sleep(0.7)
        sim.faults({"error_rate": 1.0, "error_status": 500})
        status, _, stale = serve.query(question)
        self.assertEqual(status, 200)
        self.assertTrue(stale["stale"])
        self.assertTrue(stale["degraded"])
        self.assertEqual(stale["answer"], fresh["answer"])

    def test_query_time_embeddings_are_batched_and_a_dead_embedder_degrades_to_keywords(self):
        embed_sim = self.start(Sim("--embedding-latency", "20ms", "--max-concurrency", "256"))
        serve = self.start(Serve("--embed-url", embed_sim.url, "--embed-dimension", "384", "--breaker-open-wait", "30s"))
        before = embedding_calls(embed_sim)

        barrier = threading.Barrier(100)
        statuses = [None] * 100

        def search(i):
            barrier.wait()
            statuses[i] = request(serve.port, "POST", "/api/v1/search",
                                  {"query": f"batching question {i}", "top_k": 2})[0]

        searches = [threading.Thread(target=search, args=(i,)) for i in range(100)]
        for thread in searches:
            thread.start()
        for thread in searches:
            thread.join()
        self.assertEqual(statuses, [200] * 100)
        calls = embedding_calls(embed_sim) - before
        # Batching shows as far fewer requests than searches; how few depends on how the
        # threads' starts spread (bench/serve_embed_batching.sh measures the figure).
        self.assertLessEqual(calls, 50, f"{calls} embedding requests for 100 concurrent searches")
        self.assertGreater(metric(serve.port, "ragscale_embed_batch_size_count"), 0)
        embed_sim.stop()
        status, _, raw = request(serve.port, "POST", "/api/v1/search", {"query": "probes after a wait", "top_k": 2})
        self.assertEqual(status, 200)
        found = json.loads(raw)
        self.assertTrue(found["degraded"], "keyword retrieval alone, marked degraded")
        self.assertTrue(found["documents"], "keywords still find the document")
        status, _, answer = serve.query("what do circuit breakers stop?")
        self.assertEqual((status, answer["degraded_reason"]), (200, "embedder_unavailable"))

    def test_the_warm_file_fills_the_cache_at_start(self):
        sim = self.start(Sim("--ttft", "10ms", "--itl", "1ms", "--output-tokens", "6"))
        warm = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        warm.write("# common questions\nWhat is request coalescing?\n\nWhat is micro-batching?\n")
        warm.close()
        try:
            serve = self.start(Serve("--llm-url", sim.url, "--warm-file", warm.name, "--warm-rate", "20"))
            deadline = time.time() + 10
            while time.time() < deadline and metric(serve.port, "ragscale_warmed_questions_total") < 2:
                time.sleep(0.1)
            self.assertEqual(metric(serve.port, "ragscale_warmed_questions_total"), 2)
            # Warmed before the document was uploaded, so asked again under a new index
            # generation; a second answer of the same question is the cached one.
            serve.query("What is micro-batching?")
            status, _, answer = serve.query("what is   micro-batching?")
            self.assertTrue(answer["cached"])
        finally:
            os.unlink(warm.name)

    def test_bad_resilience_settings_are_refused_with_the_setting_named(self):
        for args, needle in ((["--breaker-failure-rate", "1.5"], "breaker-failure-rate"),
                             (["--retry-budget", "lots"], "retry-budget"),
                             (["--warm-file", "/nonexistent/questions.txt"], "warm_file")):
            result = subprocess.run([BIN, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=10)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn(needle, result.stderr)


if __name__ == "__main__":
    unittest.main()
