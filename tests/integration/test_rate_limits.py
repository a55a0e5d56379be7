"""Integration tests for the per-client rate limits of `ragscale serve`, against the real
binary on loopback: the 429 and its headers, one bucket per API key (per address with
auth off), the exempt probes and login, 401 before 429, refusal before the body is read,
upload and per-route limits from the config file, and bad settings refused at start.

The binary comes from $RAGSCALE_BIN.
"""

import json
import os
import socket
import subprocess
import tempfile
import time
import unittest

from processes import BIN, ProcessesTestCase, Serve, metric, request

SEARCH = {"query": "how are requests rate limited?"}


def key(name):
    return {"X-API-Key": name}


class RateLimitedServe(Serve):
    """`ragscale serve` with no document: uploads would count against the limits under test."""

    def __init__(self, *args, env=None):
        super().__init__(*args, env=env, document=False)

    def search(self, headers=None, source=None):
        return request(self.port, "POST", "/api/v1/search", SEARCH, headers, timeout=10, source=source)


@unittest.skipUnless(BIN and os.path.exists(BIN), "set RAGSCALE_BIN to the ragscale binary")
class RateLimitTest(ProcessesTestCase):
    def start_serve(self, *args, env=None):
        return self.start(RateLimitedServe(*args, env=env))

    def assert_limit_headers(self, headers, limit, window_seconds):
        self.assertEqual(headers.get("x-ratelimit-limit"), str(limit), headers)
        remaining = int(headers["x-ratelimit-remaining"])
        reset = int(headers["x-ratelimit-reset"])
        self.assertTrue(0 <= remaining <= limit, headers)
        self.assertTrue(0 <= reset <= window_seconds, headers)
        return remaining, reset

    def test_past_the_burst_a_key_gets_429_with_sane_headers_and_another_key_does_not(self):
        serve = self.start_serve("--api-keys", "k1,k2", "--rate-limit", "5/min")
        for expected_remaining in range(4, -1, -1):
            status, headers, body = serve.search(key("k1"))
            self.assertEqual(status, 200, body)
            remaining, reset = self.assert_limit_headers(headers, 5, 60)
            self.assertEqual(remaining, expected_remaining)
            self.assertGreaterEqual(reset, 1)
        status, headers, body = serve.search(key("k1"))
        self.assertEqual(status, 429, body)
        remaining, reset = self.assert_limit_headers(headers, 5, 60)
        self.assertEqual(remaining, 0)
        # One token comes back every 12 s, so that is the longest wait; a full bucket takes 60 s.
        retry_after = int(headers["retry-after"])
        self.assertTrue(1 <= retry_after <= 12, headers)
        self.assertGreater(reset, 48)
        error = json.loads(body)["error"]
        self.assertEqual(error["code"], "rate_limited")
        self.assertIn("5/min", error["message"])
        # The second key has its own bucket.
        for _ in range(5):
            status, headers, _ = serve.search(key("k2"))
            self.assertEqual(status, 200)
        self.assertEqual(metric(serve.port, "ragscale_rate_limited_total", 'route="/api/v1/search"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_requests_total", 'route="/api/v1/search",status="429"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_degraded_total"), 0, "a refusal is not a degraded answer")

    def test_retrying_after_retry_after_succeeds(self):
        serve = self.start_serve("--api-keys", "k1", "--rate-limit", "2/s")
        self.assertEqual(serve.search(key("k1"))[0], 200)
        self.assertEqual(serve.search(key("k1"))[0], 200)
        status, headers, _ = serve.search(key("k1"))
        self.assertEqual(status, 429)
        self.assertEqual(headers["retry-after"], "1")
        time.sleep(int(headers["retry-after"]))
        self.assertEqual(serve.search(key("k1"))[0], 200)

    def test_a_request_without_valid_credentials_gets_401_not_429(self):
        serve = self.start_serve("--api-keys", "k1", "--rate-limit", "1/min")
        self.assertEqual(serve.search(key("k1"))[0], 200)
        self.assertEqual(serve.search(key("k1"))[0], 429)
        for headers in ({}, key("wrong"), {"Authorization": "Bearer wrong"}):
            status, response_headers, _ = serve.search(headers)
            self.assertEqual(status, 401, headers)
            self.assertNotIn("x-ratelimit-limit", response_headers)
        # The same key as a bearer token is the same client, with the same empty bucket.
        self.assertEqual(serve.search({"Authorization": "Bearer k1"})[0], 429)
        self.assertEqual(metric(serve.port, "ragscale_rate_limited_total"), 2)

    def test_with_auth_off_each_client_address_has_its_own_bucket(self):
        serve = self.start_serve("--rate-limit", "2/min")
        self.assertEqual([serve.search()[0] for _ in range(3)], [200, 200, 429])
        # Another loopback address is another client.
        self.assertEqual([serve.search(source="127.0.0.2")[0] for _ in range(3)], [200, 200, 429])
        self.assertEqual(metric(serve.port, "ragscale_rate_limited_total", 'route="/api/v1/search"'), 2)

    def test_probes_and_login_are_never_limited(self):
        serve = self.start_serve("--api-keys", "k1", "--users", "alice:wonderland", "--rate-limit", "1/min")
        self.assertEqual(serve.search(key("k1"))[0], 200)
        self.assertEqual(serve.search(key("k1"))[0], 429)
        for path in ("/health", "/ready", "/startup", "/metrics"):
            for _ in range(10):
                status, headers, _ = request(serve.port, "GET", path, headers=key("k1"))
                self.assertEqual(status, 200, path)
                self.assertNotIn("x-ratelimit-limit", headers, path)
        for _ in range(3):
            status, _, body = request(serve.port, "POST", "/auth/login", {"username": "alice", "password": "wonderland"})
            self.assertEqual(status, 200, body)
        # A token is a credential of its own, with its own bucket.
        token = json.loads(body)["access_token"]
        self.assertEqual(serve.search({"Authorization": "Bearer " + token})[0], 200)

    def test_a_refusal_is_sent_before_the_body_is_read(self):
        serve = self.start_serve("--api-keys", "k1", "--rate-limit", "1/min", "--max-upload", "200MB")
        self.assertEqual(serve.search(key("k1"))[0], 200)
        with socket.create_connection(("127.0.0.1", serve.port), timeout=5) as client:
            # 100 MB announced, not a byte of it sent: the answer must not wait for it.
            client.sendall(b"POST /api/v1/documents/upload HTTP/1.1\r\nHost: t\r\nX-API-Key: k1\r\n"
                           b"Content-Type: text/plain\r\nContent-Length: 104857600\r\n\r\n")
            started = time.time()
            head = client.recv(4096).decode()
            self.assertLess(time.time() - started, 2)
        self.assertTrue(head.startswith("HTTP/1.1 429"), head)
        self.assertIn("Retry-After: ", head)

    def test_upload_and_route_limits_from_the_config_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as config:
            config.write("upload_rate_limit: 1/min\nroute_rate_limits:\n  /query: 1/min\n  /retrieval: 3/min\n")
        try:
            serve = self.start_serve("--config", config.name)
        finally:
            os.unlink(config.name)
        status, _, body = request(serve.port, "POST", "/api/v1/documents/upload", {"title": "t", "text": "rate limits"})
        self.assertEqual(status, 201, body)
        status, headers, _ = request(serve.port, "POST", "/documents", {"title": "u", "text": "a second upload"})
        self.assertEqual(status, 429)
        self.assertEqual(headers["x-ratelimit-limit"], "1")
        self.assertGreaterEqual(int(headers["retry-after"]), 59)
        statuses = [request(serve.port, "GET", "/retrieval?q=limits")[0] for _ in range(4)]
        self.assertEqual(statuses, [200, 200, 200, 429])
        self.assertEqual(request(serve.port, "POST", "/query", {"question": "what is limited?"})[0], 200)
        self.assertEqual(request(serve.port, "POST", "/query", {"question": "what is limited?"})[0], 429)
        # No general limit: the other routes are not limited at all.
        for _ in range(10):
            status, headers, _ = serve.search()
            self.assertEqual(status, 200)
            self.assertNotIn("x-ratelimit-limit", headers)
        self.assertEqual(metric(serve.port, "ragscale_rate_limited_total", 'route="/documents"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_rate_limited_total", 'route="/retrieval"'), 1)
        self.assertEqual(metric(serve.port, "ragscale_rate_limited_total", 'route="/query"'), 1)

    def test_bad_settings_exit_2_naming_the_setting(self):
        cases = [(["--rate-limit", "100"], {}, "--rate-limit"),
                 (["--rate-limit", "100/day"], {}, "expected N/UNIT"),
                 (["--upload-rate-limit", "5/min:burst=0"], {}, "--upload-rate-limit"),
                 (["--route-rate-limits", "/health=1/s"], {}, "never rate limited"),
                 (["--route-rate-limits", "/nowhere=1/s"], {}, "unknown route"),
                 (["--route-rate-limits", "/query"], {}, "ROUTE=RATE"),
                 ([], {"RAGSCALE_RATE_LIMIT": "lots"}, "RAGSCALE_RATE_LIMIT")]
        for args, env, needle in cases:
            result = subprocess.run([BIN, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=10,
                                    env={**os.environ, **env})
            self.assertEqual(result.returncode, 2, (args, env, result.stderr))
            self.assertIn(needle, result.stderr, (args, env))


if __name__ == "__main__":
    unittest.main()
