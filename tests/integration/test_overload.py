"""Integration tests for how `ragscale serve` stays fast under overload: the bounded wait
for the model, fast refusals with Retry-After, probes never shed, the degradation
ladder's modes appearing and clearing, and client errors kept apart from overload.
serve runs in front of the real `ragscale sim`."""

import json
import threading
import time
import unittest

from processes import BIN, ProcessesTestCase, Serve, Sim, metric, request


def ask_many(serve, count, prefix, stream=False):
    """`count` distinct questions at once; returns (status, headers, body, seconds) each."""
    results = [None] * count
    barrier = threading.Barrier(count)

    def ask(i):
        barrier.wait()
        started = time.time()
        status, headers, body = serve.query(f"{prefix} question {i} about breakers", stream=stream)
        results[i] = (status, headers, body, time.time() - started)
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class OverloadTest(ProcessesTestCase):
    def test_questions_past_the_models_capacity_wait_a_bounded_time_then_fall_back(self):
        sim = self.start(Sim("--ttft", "400ms", "--itl", "1ms", "--output-tokens", "4", "--max-concurrency", "2"))
        serve = self.start(Serve("--llm-url", sim.url, "--llm-max-wait", "300ms", "--llm-limit-initial", "4",
                                 "--llm-limit-min", "2"))
        results = ask_many(serve, 30, "capacity")
        self.assertEqual({r[0] for r in results}, {200}, "every question is answered")
        modes = [r[2]["mode"] for r in results]
        self.assertIn("full", modes)
        self.assertIn("extractive", modes, "questions past the model's capacity fall back")
        for status, _, body, seconds in results:
            if body["mode"] == "extractive":
                self.assertEqual(body["degraded_reason"], "overload")
                self.assertLess(seconds, 1.5, "a question waits at most --llm-max-wait for the model")
        self.assertGreater(metric(serve.port, "ragscale_llm_queue_wait_seconds_count"), 0)
        self.assertGreater(metric(serve.port, "ragscale_mode_total", 'mode="extractive"'), 0)
        self.assertGreater(metric(serve.port, "ragscale_degraded_total", 'reason="overload"'), 0)

    def test_with_fallback_off_overload_is_a_fast_503_with_retry_after_and_probes_still_answer(self):
        sim = self.start(Sim("--ttft", "500ms", "--itl", "1ms", "--output-tokens", "4", "--max-concurrency", "1"))
        serve = self.start(Serve("--llm-url", sim.url, "--llm-max-wait", "100ms", "--fallback", "off",
                                 "--llm-limit-initial", "2", "--llm-limit-min", "1"))
        probes = []
        stop = threading.Event()

        def probe():
            while not stop.is_set():
                started = time.time()
                status = request(serve.port, "GET", "/health")[0]
                probes.append((status, time.time() - started))
                time.sleep(0.01)
        prober = threading.Thread(target=probe)
        prober.start()
        try:
            results = ask_many(serve, 20, "refused")
        finally:
            stop.set()
            prober.join()
        refused = [r for r in results if r[0] == 503]
        self.assertTrue(refused, "past the model's capacity, with fallback off, questions are refused")
        for status, headers, body, seconds in refused:
            self.assertIn("retry-after", headers)
            self.assertIn("error", body)
            self.assertLess(seconds, 1.0)
        self.assertTrue(all(status == 200 for status, _ in probes), "probes are never shed")
        self.assertLess(max(seconds for _, seconds in probes), 0.5)

    def test_the_ladder_steps_down_under_pressure_and_back_up_when_it_ends(self):
        # Pressure made certain: a worker stage that admits two questions at a time, so a
        # flood of 16 sheds most of them, and a shed rate of 20% counts as pressure (the
        # queueing threshold is out of reach, so only shedding moves the ladder).
        serve = self.start(Serve("--workers", "1", "--workers-limit", "2", "--workers-limit-min", "1",
                                 "--ladder-shed-rate", "0.2", "--ladder-queue-delay", "60",
                                 "--ladder-down-hold", "100ms", "--ladder-up-hold", "700ms"))
        seen = set()
        stop = time.time() + 6
        counter = [0]
        lock = threading.Lock()

        def flood():
            while time.time() < stop:
                with lock:
                    counter[0] += 1
                    n = counter[0]
                status, _, raw = request(serve.port, "POST", "/query",
                                         {"question": f"pressure question {n} about circuit breakers"})
                if status == 200:
                    seen.add(json.loads(raw)["mode"])
                else:
                    seen.add(status)
        threads = [threading.Thread(target=flood) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertTrue(seen & {"reduced", "extractive", 503}, f"the ladder never stepped down: {seen}")
        # Calm: questions one at a time until full answers return.
        deadline = time.time() + 20
        mode = None
        while time.time() < deadline:
            status, _, raw = request(serve.port, "POST", "/query", {"question": f"calm question {time.time()}"})
            mode = json.loads(raw).get("mode") if status == 200 else status
            if mode == "full":
                break
            time.sleep(0.1)
        self.assertEqual(mode, "full", "the ladder climbs back when the pressure is gone")
        self.assertIn("service mode full -> reduced", serve.output())
        self.assertIn("-> full", serve.output())

    def test_while_shedding_questions_held_from_an_older_index_are_answered_stale_not_refused(self):
        # One question and one search answered, then uploads keep moving the index on (as
        # in the seeds' mix), so neither stays fresh for long; a flood past a worker limit
        # of one sheds most questions. The two held ones must never be refused: shed,
        # they are answered from what is held, marked stale.
        serve = self.start(Serve("--workers", "1", "--workers-limit", "1", "--workers-limit-min", "1"))
        held_question = "what do circuit breakers stop?"
        self.assertEqual(serve.query(held_question)[0], 200)
        search = {"query": "half-open probes", "top_k": 2}
        self.assertEqual(request(serve.port, "POST", "/api/v1/search", search)[0], 200)
        serve.upload("Later", "A later note about retry budgets and backoff with jitter.")
        stop = time.time() + 4
        counter = [0]
        lock = threading.Lock()
        held_answers, held_searches = [], []

        def flood():
            while time.time() < stop:
                with lock:
                    counter[0] += 1
                    n = counter[0]
                request(serve.port, "POST", "/query", {"question": f"flood question {n} about shedding"})

        def keep_uploading():
            n = 0
            while time.time() < stop:
                n += 1
                request(serve.port, "POST", "/api/v1/documents/upload",
                        {"title": f"note {n}", "text": f"Note {n} on half-open probes and circuit breakers."})
                time.sleep(0.1)

        def ask_held():
            while time.time() < stop:
                status, _, raw = request(serve.port, "POST", "/query", {"question": held_question})
                held_answers.append((status, json.loads(raw)))
                status, _, raw = request(serve.port, "POST", "/api/v1/search", search)
                held_searches.append((status, json.loads(raw)))
        threads = [threading.Thread(target=flood) for _ in range(12)]
        threads += [threading.Thread(target=ask_held), threading.Thread(target=keep_uploading)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertGreater(metric(serve.port, "ragscale_shed_total"), 0, "the flood was shed")
        self.assertEqual([s for s, _ in held_answers if s != 200], [], "a held question is never refused")
        self.assertEqual([s for s, _ in held_searches if s != 200], [], "a held search is never refused")
        stale = [b for _, b in held_answers if b.get("stale")]
        self.assertTrue(stale, "some held answers were served stale while shedding")
        for body in stale:
            self.assertEqual(body["mode"], "cached")
            self.assertTrue(body["degraded"])
            self.assertEqual(body["degraded_reason"], "overload")
        self.assertTrue(any(b.get("stale") for _, b in held_searches), "some searches were served stale")

    def test_client_errors_are_not_counted_as_shed_or_degraded(self):
        serve = self.start(Serve())
        for body in (b"{not json", json.dumps({"question": ""}).encode(), json.dumps({"nothing": 1}).encode()):
            status, _, _ = request(serve.port, "POST", "/query", body)
            self.assertEqual(status, 400)
        self.assertEqual(request(serve.port, "GET", "/nowhere")[0], 404)
        self.assertEqual(metric(serve.port, "ragscale_shed_total"), 0)
        self.assertEqual(metric(serve.port, "ragscale_degraded_total"), 0)
        status, _, answer = serve.query("what do circuit breakers stop?")
        self.assertEqual((status, answer["mode"]), (200, "full"))


if __name__ == "__main__":
    unittest.main()
