"""Integration tests for `ragscale serve --cache redis://...`: two replicas (each with its
own data folder holding the same document) sharing one real redis-server on loopback.
An answer made by one replica is a shared-cache (L2) hit on the other; an upload on one
makes both replicas' cached answers misses; one client's rate limit holds across both;
with Redis killed both keep answering (degraded, counted) without waiting on it, and
with Redis back the shared cache works again by itself. A bad URL is refused at start.

The binary comes from $RAGSCALE_BIN.
"""

import json
import os
import subprocess
import time
import unittest

from processes import BIN, Redis, Serve, metric, request


def wait_for(condition, timeout=5.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


@unittest.skipUnless(BIN and os.path.exists(BIN), "set RAGSCALE_BIN to the ragscale binary")
class SharedCacheTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = Redis()
        # Searches are limited per client address, shared through Redis: 10 a minute.
        # A generous command timeout: a busy machine must not turn a slow answer into a miss.
        args = ("--cache", cls.redis.url, "--cache-timeout", "1s", "--route-rate-limits", "/api/v1/search=10/min")
        cls.a = Serve(*args)
        cls.b = Serve(*args)

    @classmethod
    def tearDownClass(cls):
        for serve in (cls.a, cls.b):
            serve.stop()
        cls.redis.remove()

    def setUp(self):
        wait_for(lambda: all(metric(s.port, "ragscale_redis_up") == 1 for s in (self.a, self.b)), what="redis up")
        self.settle()

    def settle(self):
        """Waits until both replicas read Redis's index generation (uploads and indexing bump it)."""
        def agreed():
            shared = float(self.redis.get("ragscale:index_generation") or 0)
            return all(metric(s.port, "ragscale_shared_index_generation") == shared for s in (self.a, self.b))
        wait_for(agreed, what="both replicas on Redis's index generation")

    def ask(self, serve, question):
        status, _, answer = serve.query(question)
        self.assertEqual(status, 200, answer)
        return answer

    def test_an_answer_made_by_one_replica_is_a_shared_cache_hit_on_the_other(self):
        question = "how do circuit breakers let probes through?"
        hits = metric(self.b.port, "ragscale_cache_l2_hits_total")
        first = self.ask(self.a, question)
        self.assertFalse(first["cached"])
        time.sleep(0.05)  # A's store in Redis does not hold up A's answer
        second = self.ask(self.b, question)
        self.assertTrue(second["cached"])
        self.assertEqual(second["answer"], first["answer"])
        self.assertEqual(metric(self.b.port, "ragscale_cache_l2_hits_total"), hits + 1)
        # Now in B's own cache too: no second trip to Redis.
        self.assertTrue(self.ask(self.b, question)["cached"])
        self.assertEqual(metric(self.b.port, "ragscale_cache_l2_hits_total"), hits + 1)

    def test_an_upload_on_one_replica_makes_cached_answers_misses_on_both(self):
        question = "what does request coalescing share?"
        self.ask(self.a, question)
        time.sleep(0.05)
        self.assertTrue(self.ask(self.b, question)["cached"])
        self.assertTrue(self.ask(self.a, question)["cached"])
        generation = metric(self.b.port, "ragscale_shared_index_generation")
        self.a.upload("Batching", "Micro-batching groups concurrent embedding requests; coalescing shares calls.")
        time.sleep(0.1)
        self.settle()
        self.assertGreater(metric(self.b.port, "ragscale_shared_index_generation"), generation)
        self.assertFalse(self.ask(self.a, question)["cached"])  # neither level holds this generation's answer
        time.sleep(0.05)
        hits = metric(self.b.port, "ragscale_cache_l2_hits_total")
        answer = self.ask(self.b, question)
        # B's own cached answer is of the old generation: B asked Redis, which held A's new one.
        self.assertTrue(answer["cached"])
        self.assertEqual(metric(self.b.port, "ragscale_cache_l2_hits_total"), hits + 1)

    def test_one_clients_rate_limit_holds_across_both_replicas(self):
        allowed = 0
        for i in range(30):
            serve = self.a if i % 2 else self.b
            status, _, _ = request(serve.port, "POST", "/api/v1/search", {"query": "breakers"}, source="127.0.0.7")
            self.assertIn(status, (200, 429))
            allowed += status == 200
        # Each replica's own buckets would pass 20; shared: the burst of 10 and about one a replica.
        self.assertGreaterEqual(allowed, 10)
        self.assertLessEqual(allowed, 13)

    def test_with_redis_down_both_answer_at_once_degraded_and_recover_when_it_is_back(self):
        self.redis.stop()
        try:
            wait_for(lambda: all(metric(s.port, "ragscale_redis_up") == 0 for s in (self.a, self.b)), timeout=3,
                     what="both to see Redis down")
            for serve in (self.a, self.b):
                degraded = metric(serve.port, "ragscale_redis_degraded_total", 'part="cache"')
                started = time.monotonic()
                answer = self.ask(serve, "during the outage, on port %d?" % serve.port)
                self.assertLess(time.monotonic() - started, 1.0)
                self.assertFalse(answer["cached"])
                self.assertGreater(metric(serve.port, "ragscale_redis_degraded_total", 'part="cache"'), degraded)
                status, _, _ = request(serve.port, "POST", "/api/v1/search", {"query": "outage"}, source="127.0.0.8")
                self.assertEqual(status, 200)
                self.assertGreater(metric(serve.port, "ragscale_redis_degraded_total", 'part="rate_limit"'), 0)
                status, ready = serve.ready()
                self.assertEqual(status, 200)
                self.assertEqual(ready["dependencies"]["redis"], "down")
                self.assertTrue(ready["degraded"])
        finally:
            self.redis.start()
        wait_for(lambda: all(metric(s.port, "ragscale_redis_up") == 1 for s in (self.a, self.b)), timeout=5,
                 what="both to reconnect")
        self.settle()
        question = "after the outage, are answers shared again?"
        self.assertFalse(self.ask(self.a, question)["cached"])
        time.sleep(0.05)
        self.assertTrue(self.ask(self.b, question)["cached"])
        self.assertEqual(self.b.ready()[1]["dependencies"]["redis"], "ok")


@unittest.skipUnless(BIN and os.path.exists(BIN), "set RAGSCALE_BIN to the ragscale binary")
class CacheUrlTest(unittest.TestCase):
    def test_a_bad_cache_url_is_refused_at_start_with_what_is_accepted(self):
        for how in (["--cache", "http://127.0.0.1:6379"], []):
            env = {**os.environ}
            if not how:
                env["RAGSCALE_CACHE"] = "redis://127.0.0.1:99999"
            result = subprocess.run([BIN, "serve", "--port", "0", *how], capture_output=True, text=True, timeout=10,
                                    env=env)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("redis://HOST[:PORT][/DB]", result.stderr)
            self.assertIn("cache", result.stderr.lower())


if __name__ == "__main__":
    unittest.main()
