"""Integration tests for `ragscale serve`, against the real binary on loopback.

The binary comes from $RAGSCALE_BIN. Each server gets a free port and its own data
directory; API keys are on, so every test also exercises auth.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("RAGSCALE_BIN", "")
API_KEY = "integration-key"
AUTH = {"X-API-Key": API_KEY}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `ragscale serve` process with a data directory that can outlive it."""

    def __init__(self, data_dir, extra_args=(), env=None):
        self.data_dir = data_dir
        self.port = free_port()
        environment = dict(os.environ)
        environment["RAGSCALE_API_KEYS"] = API_KEY
        environment["RAGSCALE_USERS"] = "alice:wonderland"
        environment.update(env or {})
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [BIN, "serve", "--port", str(self.port), "--data", data_dir, "--chunk-size", "300",
             "--chunk-overlap", "40", *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        self.wait_ready()

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def wait_ready(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("server exited early:\n" + self.output())
            try:
                status, _, _ = self.request("GET", "/ready")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("server not ready in time:\n" + self.output())

    def request(self, method, path, body=None, headers=None, timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                headers = {"Content-Type": "application/json", **(headers or {})}
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def json(self, method, path, body=None, headers=None, auth=True):
        all_headers = dict(AUTH) if auth else {}
        all_headers.update(headers or {})
        status, response_headers, raw = self.request(method, path, body, all_headers)
        return status, json.loads(raw) if raw else None

    def upload(self, title, text):
        status, body = self.json("POST", "/api/v1/documents/upload", {"title": title, "text": text})
        assert status == 201, (status, body)
        return body["id"]

    def wait_document_ready(self, document_id, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status, body = self.json("GET", f"/api/v1/documents/{document_id}/status")
            if status == 200 and body["status"] in ("ready", "failed"):
                return body
            time.sleep(0.02)
        raise AssertionError(f"document {document_id} not ready in time")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def kill9(self):
        self.process.kill()
        self.process.wait()
        self.log.close()


GUIDE = ("HNSW builds a layered proximity graph for approximate nearest neighbour search. "
         "Queries enter at the top layer and descend greedily towards the closest vectors.\n\n"
         "Reciprocal rank fusion merges keyword and vector rankings without calibrating scores.")
BREAD = ("Sourdough bread needs flour, water, salt and an active starter culture. "
         "The dough rises slowly overnight and is baked in a very hot oven.")


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class ServeApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="ragscale-serve-api-")
        cls.server = Server(cls.data_dir)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def assert_json_error(self, status, body, expected_status):
        self.assertEqual(status, expected_status, body)
        self.assertIn("error", body)
        self.assertIsInstance(body["error"]["code"], str)
        self.assertTrue(body["error"]["message"])

    def test_upload_status_query_and_cache(self):
        s = self.server
        guide = s.upload("HNSW guide", GUIDE)
        self.assertEqual(s.wait_document_ready(guide)["status"], "ready")
        question = {"question": "How does the HNSW proximity graph search descend layers?", "max_sources": 3}
        status, first = s.json("POST", "/query", question)
        self.assertEqual(status, 200, first)
        self.assertIn(guide, [source["document_id"] for source in first["sources"]])
        self.assertIn("[1]", first["answer"])
        self.assertFalse(first["cached"])
        self.assertFalse(first["degraded"])
        self.assertEqual(set(first["timings"]), {"retrieval_ms", "generation_ms", "total_ms"})
        status, second = s.json("POST", "/query", question)
        self.assertTrue(second["cached"])
        self.assertEqual(second["answer"], first["answer"])
        bread = s.upload("Bread", BREAD)
        s.wait_document_ready(bread)
        status, third = s.json("POST", "/query", question)
        self.assertFalse(third["cached"], "an upload must make cached answers stale")
        # The seeds' other request shape.
        status, other = s.json("POST", "/query", {"query": "sourdough starter culture", "top_k": 1})
        self.assertEqual(status, 200, other)
        self.assertEqual(len(other["sources"]), 1)
        self.assertEqual(other["sources"][0]["document_id"], bread)
        self.assertEqual(other["sources"][0]["title"], "Bread")

    def test_search_retrieval_stream_and_documents(self):
        s = self.server
        doc = s.upload("Fusion", "Reciprocal rank fusion combines BM25 with dense retrieval results.")
        s.wait_document_ready(doc)
        status, found = s.json("POST", "/api/v1/search", {"query": "reciprocal rank fusion", "top_k": 2})
        self.assertEqual(status, 200, found)
        self.assertIn(doc, [d["document_id"] for d in found["documents"]])
        status, found = s.json("GET", "/retrieval?q=reciprocal%20rank%20fusion&top_k=2")
        self.assertEqual(status, 200, found)
        self.assertIn(doc, [d["document_id"] for d in found["documents"]])

        status, headers, raw = s.request("POST", "/query",
                                         json.dumps({"question": "what does rank fusion combine?",
                                                     "stream": True}).encode(),
                                         {**AUTH, "Content-Type": "application/json"})
        self.assertEqual(status, 200)
        self.assertTrue(headers.get("Content-Type", "").startswith("text/event-stream"))
        text = raw.decode()
        self.assertIn("event: token", text)
        done = [block for block in text.split("\n\n") if block.startswith("event: done")]
        self.assertEqual(len(done), 1, text)
        final = json.loads(done[0].split("data:", 1)[1])
        self.assertIn(doc, [source["document_id"] for source in final["sources"]])

        boundary = "----ragscaleboundary"
        multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.md\"\r\n"
                     f"Content-Type: text/markdown\r\n\r\n# Notes\n\nZebras have stripes.\r\n--{boundary}--\r\n")
        status, created = s.json("POST", "/api/v1/documents/upload", multipart.encode(),
                                 {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 201, created)
        self.assertEqual(created["status"], "processing")
        s.wait_document_ready(created["id"])
        status, info = s.json("GET", f"/documents/{created['id']}")
        self.assertEqual((status, info["title"], info["status"]), (200, "notes.md", "ready"))
        status, listing = s.json("GET", "/documents?limit=500")
        self.assertIn(created["id"], [d["id"] for d in listing["documents"]])
        status, deleted = s.json("DELETE", f"/documents/{created['id']}")
        self.assertEqual((status, deleted["deleted"]), (200, True))
        status, body = s.json("GET", f"/documents/{created['id']}")
        self.assert_json_error(status, body, 404)
        status, found = s.json("POST", "/api/v1/search", {"query": "zebras stripes", "top_k": 5})
        self.assertNotIn(created["id"], [d["document_id"] for d in found["documents"]])

    def test_login_token_and_probes(self):
        s = self.server
        status, body = s.json("POST", "/auth/login", {"username": "alice", "password": "wrong"}, auth=False)
        self.assert_json_error(status, body, 401)
        status, body = s.json("POST", "/auth/login", {"username": "alice", "password": "wonderland"}, auth=False)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["token_type"], "bearer")
        status, listing = s.json("GET", "/documents", headers={"Authorization": "Bearer " + body["access_token"]},
                                 auth=False)
        self.assertEqual(status, 200, listing)
        for probe in ("/health", "/ready", "/startup"):
            status, _, _ = s.request("GET", probe)
            self.assertEqual(status, 200, probe)
        status, headers, metrics = s.request("GET", "/metrics")
        self.assertEqual(status, 200)
        text = metrics.decode()
        for series in ("ragscale_requests_total{", "ragscale_request_duration_seconds_bucket{",
                       "ragscale_cache_hits_total", "ragscale_ingestion_queue", "ragscale_index_chunks",
                       "ragscale_in_flight_requests", "process_resident_memory_bytes"):
            self.assertIn(series, text)

    def test_failed_logins_are_throttled(self):
        # A server of its own: the throttle also holds per client address, and every
        # test here comes from 127.0.0.1, so it would refuse the other tests' logins too.
        data_dir = tempfile.mkdtemp(prefix="ragscale-serve-throttle-")
        s = Server(data_dir)
        self.addCleanup(shutil.rmtree, data_dir, True)
        self.addCleanup(s.stop)
        for attempt in range(5):
            status, body = s.json("POST", "/auth/login", {"username": "mallory", "password": f"guess{attempt}"},
                                  auth=False)
            self.assert_json_error(status, body, 401)
        status, headers, raw = s.request("POST", "/auth/login", {"username": "mallory", "password": "guess5"})
        self.assert_json_error(status, json.loads(raw), 429)
        self.assertGreater(int(headers["Retry-After"]), 0)

    def test_bad_input_gets_json_errors_and_server_keeps_serving(self):
        s = self.server
        cases = [
            ("malformed JSON", "POST", "/query", b'{"question": ', 400),
            ("wrong type", "POST", "/query", {"question": 42}, 400),
            ("out of range", "POST", "/query", {"question": "x", "max_sources": 500}, 400),
            ("fractional top_k", "POST", "/api/v1/search", {"query": "x", "top_k": 2.5}, 400),
            ("not an object", "POST", "/query", [1, 2], 400),
            ("blank question", "POST", "/query", {"question": "   "}, 400),
            ("missing field", "POST", "/api/v1/documents/upload", {"title": "no text"}, 400),
            ("bad UTF-8 document", "POST", "/api/v1/documents/upload",
             b'{"title":"x","text":"caf\xc3"}', 400),
            ("bad UTF-8 plain text", "POST", "/api/v1/documents/upload?title=t", b"abc\xff\xfe", 400),
            ("oversized query body", "POST", "/query", b'{"question":"' + b"a" * 70000 + b'"}', 413),
            ("unknown route", "GET", "/nope", None, 404),
            ("bad id", "GET", "/documents/abc", None, 400),
            ("missing document", "GET", "/documents/999999", None, 404),
            ("wrong method", "DELETE", "/query", None, 405),
            ("bad query parameter", "GET", "/retrieval?q=x&top_k=zero", None, 400),
        ]
        for name, method, path, body, expected in cases:
            with self.subTest(name):
                headers = dict(AUTH)
                if name == "bad UTF-8 plain text":
                    headers["Content-Type"] = "text/plain"
                elif isinstance(body, bytes):
                    headers["Content-Type"] = "application/json"
                status, _, raw = s.request(method, path, body, headers)
                self.assertEqual(status, expected, raw[:300])
                self.assert_json_error(status, json.loads(raw), expected)
        # Nesting that overflows a recursive parser's stack (on a worker or a loop thread).
        for path, body in (("/api/v1/documents/upload", b'{"text":' + b"[" * 300000),
                           ("/query", b'{"question":' + b"[" * 60000)):
            status, _, raw = s.request("POST", path, body, {**AUTH, "Content-Type": "application/json"})
            self.assertEqual(status, 400, raw[:300])
            self.assertIn("JSON nested deeper than 64 levels", json.loads(raw)["error"]["message"])
        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}):
            status, _, raw = s.request("POST", "/query", b'{"question":"x"}', headers)
            self.assert_json_error(status, json.loads(raw), 401)
        status, _, raw = s.request("GET", "/health")
        self.assertEqual((status, json.loads(raw)["status"]), (200, "ok"))


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class ServeWithoutAuthTest(unittest.TestCase):
    """With auth off, a web page of another site must not reach the service through the browser."""

    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="ragscale-serve-noauth-")
        cls.server = Server(cls.data_dir, env={"RAGSCALE_API_KEYS": "", "RAGSCALE_USERS": ""})

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def upload(self, headers):
        return self.server.request("POST", "/api/v1/documents/upload?title=t", b"Some text to keep.",
                                   {"Content-Type": "text/plain", **headers})

    def test_cross_site_posts_are_refused_and_programs_are_not(self):
        s = self.server
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                        {"Referer": "https://evil.example/form.html"}):
            status, _, raw = self.upload(headers)
            self.assertEqual(status, 403, (headers, raw[:300]))
            self.assertIn("auth is off", json.loads(raw)["error"]["message"])
        status, _, raw = s.request("DELETE", "/documents/1", None, {"Origin": "https://evil.example"})
        self.assertEqual(status, 403, raw[:300])
        status, _, raw = s.request("GET", "/documents", None, {})
        self.assertEqual(json.loads(raw)["total"], 0)
        # curl, Python requests and ragscale ingest send no Origin; pages of this machine may.
        for headers in ({}, {"Origin": f"http://127.0.0.1:{s.port}"}, {"Origin": "http://localhost:3000"}):
            status, _, raw = self.upload(headers)
            self.assertEqual(status, 201, (headers, raw[:300]))


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class ServeDurabilityTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="ragscale-serve-durable-")

    def tearDown(self):
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def test_restart_keeps_documents_chunks_and_index(self):
        server = Server(self.data_dir)
        try:
            doc = server.upload("HNSW guide", GUIDE)
            server.wait_document_ready(doc)
            status, before = server.json("POST", "/query", {"question": "proximity graph layers"})
            self.assertEqual(status, 200)
        finally:
            server.stop()
        self.assertTrue(os.path.exists(os.path.join(self.data_dir, "dense.hnsw")), "index saved at shutdown")
        server = Server(self.data_dir)
        try:
            status, info = server.json("GET", f"/documents/{doc}")
            self.assertEqual((status, info["status"]), (200, "ready"))
            status, after = server.json("POST", "/query", {"question": "proximity graph layers"})
            self.assertEqual(status, 200)
            self.assertEqual([s["chunk_id"] for s in after["sources"]], [s["chunk_id"] for s in before["sources"]])
            self.assertIn("loaded from its saved file", server.output())
        finally:
            server.stop()

    def test_kill9_during_upload_burst_loses_no_acknowledged_document(self):
        server = Server(self.data_dir)
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def uploader(worker):
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    status, body = server.json("POST", "/api/v1/documents/upload",
                                               {"title": f"w{worker}-{n}",
                                                "text": f"Document {worker}-{n} about topic {n % 7}. " * 20})
                except (OSError, http.client.HTTPException, ValueError):
                    return  # the server died mid-request: not acknowledged
                if status == 201:
                    with lock:
                        acknowledged.append((body["id"], f"w{worker}-{n}"))

        threads = [threading.Thread(target=uploader, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        server.kill9()
        stop.set()
        for thread in threads:
            thread.join()
        self.assertGreater(len(acknowledged), 10)

        server = Server(self.data_dir)
        try:
            stored = {}
            offset = 0
            while True:
                status, listing = server.json("GET", f"/documents?limit=1000&offset={offset}")
                self.assertEqual(status, 200, listing)
                stored.update({d["id"]: d["title"] for d in listing["documents"]})
                offset += 1000
                if offset >= listing["total"]:
                    break
            for document_id, title in acknowledged:
                self.assertEqual(stored.get(document_id), title, f"acknowledged document {document_id} lost")
            # Unfinished ingestion resumes: every document ends up ready.
            for document_id, _ in acknowledged:
                self.assertEqual(server.wait_document_ready(document_id, timeout=30)["status"], "ready")
        finally:
            server.stop()


def sim_available():
    if not BIN:
        return False
    try:
        return subprocess.run([BIN, "sim", "--help"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@unittest.skipUnless(sim_available(), "needs a ragscale binary with the sim subcommand")
class ServeBackendsTest(unittest.TestCase):
    """--embed-url and --llm-url against `ragscale sim`, the OpenAI-compatible simulator."""

    def test_remote_embeddings_and_chat_with_degraded_fallback(self):
        sim_port = free_port()
        sim = subprocess.Popen([BIN, "sim", "--port", str(sim_port), "--ttft", "10ms", "--itl", "1ms",
                                "--output-tokens", "8", "--embedding-latency", "1ms"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data_dir = tempfile.mkdtemp(prefix="ragscale-serve-backends-")
        server = None
        try:
            deadline = time.time() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", sim_port), timeout=1):
                        break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.05)
            url = f"http://127.0.0.1:{sim_port}"
            server = Server(data_dir, ["--embed-url", url, "--llm-url", url + "/v1", "--llm-timeout", "5s"])
            doc = server.upload("Geo", "Berlin is the capital of Germany. Paris is the capital of France.")
            self.assertEqual(server.wait_document_ready(doc)["status"], "ready")
            status, answer = server.json("POST", "/query", {"question": "capital of Germany?"})
            self.assertEqual(status, 200, answer)
            self.assertFalse(answer["degraded"])
            self.assertEqual(answer["sources"][0]["document_id"], doc)
            self.assertTrue(answer["answer"])
            # Streamed: the model's tokens arrive as token events, then the sources.
            status, headers, raw = server.request(
                "POST", "/query", json.dumps({"question": "Which city is Germany's capital?", "stream": True}).encode(),
                {**AUTH, "Content-Type": "application/json"})
            self.assertEqual(status, 200)
            events = [block for block in raw.decode().split("\n\n") if block.strip()]
            tokens = [json.loads(e.split("data:", 1)[1])["text"] for e in events if e.startswith("event: token")]
            self.assertGreater(len(tokens), 1, "the model's answer should arrive in several pieces")
            self.assertTrue(events[-1].startswith("event: done"), events[-1])
            final = json.loads(events[-1].split("data:", 1)[1])
            self.assertEqual(final["answer"], "".join(tokens))
            self.assertFalse(final["degraded"])
            self.assertEqual(final["sources"][0]["document_id"], doc)
            sim.terminate()
            sim.wait(timeout=10)
            status, answer = server.json("POST", "/query", {"question": "capital of France?"})
            self.assertEqual(status, 200, answer)
            self.assertTrue(answer["degraded"], "a dead model degrades to keyword retrieval and extraction")
            self.assertIn("[1]", answer["answer"])
        finally:
            if server:
                server.stop()
            if sim.poll() is None:
                sim.kill()
                sim.wait()
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
