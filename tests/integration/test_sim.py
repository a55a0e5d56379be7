"""Integration tests for `ragscale sim`: the real binary on loopback, driven with http.client.

The binary comes from $RAGSCALE_BIN. Each test starts its own simulator on a free port
(--port 0; the port is read from the startup line) and stops it with SIGTERM.
"""
import base64
import http.client
import json
import math
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest

from processes import BIN, Sim

RAG_PROMPT = (
    "You are a helpful assistant. Answer using only the sources below.\n"
    "[1] Paris is the capital of France. It has about two million residents.\n"
    "[2] Machine learning is a field of artificial intelligence that learns from data.\n"
)


def chat(content=RAG_PROMPT + "What is machine learning?", **extra):
    return {"model": "gpt-test", "messages": [{"role": "user", "content": content}], **extra}


def read_events(response, on_event=None):
    """Reads a Server-Sent Events body; returns the data payloads. Checks the framing."""
    payloads = []
    buffer = b""
    while True:
        line = response.readline()
        if not line:
            break
        buffer += line
        if line == b"\n":
            frame = buffer.decode()
            buffer = b""
            assert frame.startswith("data: ") and frame.endswith("\n\n"), frame
            payload = frame[len("data: "):-2]
            assert "\n" not in payload
            payloads.append(payload)
            if on_event:
                on_event(payload)
            if payload == "[DONE]":
                break
    return payloads


def stream(sim, body, path="/v1/chat/completions", headers=None):
    """Posts a streamed request; returns (response, payloads, time to first token chunk)."""
    conn = sim.connection()
    start = time.monotonic()
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    first = []

    def on_event(payload):
        if not first and payload != "[DONE]":
            chunk = json.loads(payload)
            choice = chunk["choices"][0] if chunk["choices"] else {}
            if choice.get("delta", {}).get("content") or choice.get("text"):
                first.append(time.monotonic() - start)

    payloads = read_events(response, on_event) if response.status == 200 else [response.read()]
    conn.close()
    return response, payloads, (first[0] if first else None)


class WireFormat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Sim("--ttft", "20ms", "--itl", "1ms")

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_chat_completion_non_streamed(self):
        response, body = self.sim.json("POST", "/v1/chat/completions", chat(max_tokens=40))
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        self.assertRegex(body["id"], r"^chatcmpl-[A-Za-z0-9]{24}$")
        self.assertEqual(body["object"], "chat.completion")
        self.assertIsInstance(body["created"], int)
        self.assertLess(abs(body["created"] - time.time()), 60)
        self.assertEqual(body["model"], "gpt-test")
        self.assertIn("system_fingerprint", body)
        self.assertEqual(len(body["choices"]), 1)
        choice = body["choices"][0]
        self.assertEqual(choice["index"], 0)
        self.assertEqual(choice["message"]["role"], "assistant")
        self.assertIsNone(choice["logprobs"])
        self.assertIn(choice["finish_reason"], ("stop", "length"))
        # The answer quotes the most relevant source, with its label.
        self.assertTrue(choice["message"]["content"].startswith("Machine learning is a field"), choice)
        self.assertIn("[2]", choice["message"]["content"])
        usage = body["usage"]
        self.assertGreater(usage["prompt_tokens"], 20)
        self.assertLessEqual(usage["completion_tokens"], 40)
        self.assertEqual(usage["total_tokens"], usage["prompt_tokens"] + usage["completion_tokens"])

    def test_max_tokens_caps_the_answer_with_finish_reason_length(self):
        _, body = self.sim.json("POST", "/v1/chat/completions", chat(max_tokens=3))
        self.assertEqual(body["usage"]["completion_tokens"], 3)
        self.assertEqual(body["choices"][0]["finish_reason"], "length")

    def test_chat_completion_streamed(self):
        response, payloads, _ = stream(self.sim, chat(max_tokens=12, stream=True))
        self.assertEqual(response.status, 200)
        self.assertTrue(response.getheader("Content-Type").startswith("text/event-stream"))
        self.assertEqual(payloads[-1], "[DONE]")
        chunks = [json.loads(p) for p in payloads[:-1]]
        ids = {c["id"] for c in chunks}
        self.assertEqual(len(ids), 1)
        self.assertRegex(ids.pop(), r"^chatcmpl-")
        for c in chunks:
            self.assertEqual(c["object"], "chat.completion.chunk")
            self.assertEqual(c["model"], "gpt-test")
            self.assertIsInstance(c["created"], int)
            self.assertEqual(c["choices"][0]["index"], 0)
            self.assertIn("delta", c["choices"][0])
        self.assertEqual(chunks[0]["choices"][0]["delta"], {"role": "assistant", "content": ""})
        self.assertTrue(all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1]))
        last = chunks[-1]
        self.assertEqual(last["choices"][0]["delta"], {})
        self.assertEqual(last["choices"][0]["finish_reason"], "length")
        content = [c["choices"][0]["delta"]["content"] for c in chunks[1:-1]]
        self.assertEqual(len(content), 12)
        self.assertEqual(last["usage"]["completion_tokens"], 12)
        self.assertEqual(last["usage"]["total_tokens"], last["usage"]["prompt_tokens"] + 12)
        self.assertTrue("".join(content).startswith("Machine learning"))

    def test_include_usage_adds_a_usage_chunk_like_openai(self):
        _, payloads, _ = stream(self.sim, chat(max_tokens=4, stream=True, stream_options={"include_usage": True}))
        chunks = [json.loads(p) for p in payloads[:-1]]
        for c in chunks[:-1]:
            self.assertIn("usage", c)
            self.assertIsNone(c["usage"])
        self.assertEqual(chunks[-1]["choices"], [])
        self.assertEqual(chunks[-1]["usage"]["completion_tokens"], 4)
        self.assertEqual(chunks[-2]["choices"][0]["finish_reason"], "length")

    def test_text_completion_non_streamed_and_streamed(self):
        response, body = self.sim.json("POST", "/v1/completions", {"model": "m", "prompt": RAG_PROMPT, "max_tokens": 5})
        self.assertEqual(response.status, 200)
        self.assertRegex(body["id"], r"^cmpl-")
        self.assertEqual(body["object"], "text_completion")
        self.assertEqual(body["choices"][0]["index"], 0)
        self.assertIsInstance(body["choices"][0]["text"], str)
        self.assertEqual(body["usage"]["completion_tokens"], 5)
        _, payloads, _ = stream(self.sim, {"prompt": "Say something", "max_tokens": 6, "stream": True}, "/v1/completions")
        chunks = [json.loads(p) for p in payloads[:-1]]
        self.assertEqual(payloads[-1], "[DONE]")
        self.assertEqual(len(chunks), 7)
        for c in chunks:
            self.assertEqual(c["object"], "text_completion")
            self.assertIn("text", c["choices"][0])
        self.assertEqual(chunks[-1]["choices"][0]["finish_reason"], "length")
        self.assertEqual(chunks[-1]["usage"]["completion_tokens"], 6)

    def test_embeddings(self):
        response, body = self.sim.json("POST", "/v1/embeddings", {"model": "e", "input": ["hello world", "hello world", "other"]})
        self.assertEqual(response.status, 200)
        self.assertEqual(body["object"], "list")
        self.assertEqual(body["model"], "e")
        self.assertEqual([d["index"] for d in body["data"]], [0, 1, 2])
        vectors = [d["embedding"] for d in body["data"]]
        self.assertEqual(len(vectors[0]), 384)
        self.assertEqual(vectors[0], vectors[1])
        self.assertNotEqual(vectors[0], vectors[2])
        for v in vectors:
            self.assertAlmostEqual(math.sqrt(sum(x * x for x in v)), 1.0, places=5)
        self.assertEqual(body["usage"]["prompt_tokens"], 5)
        _, single = self.sim.json("POST", "/v1/embeddings", {"input": "hello world", "dimensions": 16, "encoding_format": "base64"})
        raw = base64.b64decode(single["data"][0]["embedding"])
        floats = struct.unpack("<16f", raw)
        self.assertAlmostEqual(math.sqrt(sum(x * x for x in floats)), 1.0, places=5)
        # Same text, same vector, on every request.
        _, again = self.sim.json("POST", "/v1/embeddings", {"input": "hello world"})
        self.assertEqual(again["data"][0]["embedding"], vectors[0])

    def test_models_health_metrics(self):
        response, models = self.sim.json("GET", "/v1/models")
        self.assertEqual(response.status, 200)
        self.assertEqual(models["object"], "list")
        self.assertEqual([m["id"] for m in models["data"]], ["ragscale-sim", "ragscale-sim-embedding"])
        response, health = self.sim.json("GET", "/health")
        self.assertEqual((response.status, health["status"]), (200, "ok"))
        self.sim.json("POST", "/v1/chat/completions", chat(max_tokens=2))
        response, text = self.sim.request("GET", "/metrics")
        text = text.decode()
        self.assertEqual(response.status, 200)
        self.assertTrue(response.getheader("Content-Type").startswith("text/plain"))
        self.assertRegex(text, r'ragscale_sim_requests_total\{endpoint="chat",status="200"\} \d+')
        for series in ("completion_tokens_total", "queue_depth", "active_streams", "rate_limited_total",
                       "faults_injected_total", "time_to_first_token_seconds_bucket"):
            self.assertIn("ragscale_sim_" + series, text)

    def test_bad_requests_get_openai_errors(self):
        cases = [
            ("/v1/chat/completions", "{not json", None),
            ("/v1/chat/completions", {"model": "m"}, "messages"),
            ("/v1/chat/completions", {"messages": "hello"}, "messages"),
            ("/v1/chat/completions", {"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
            ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}], "max_tokens": "ten"}, "max_tokens"),
            ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}], "stream": "yes"}, "stream"),
            ("/v1/completions", {"model": "m"}, "prompt"),
            ("/v1/embeddings", {"input": 42}, "input"),
            ("/v1/embeddings", {"input": "x", "encoding_format": "hex"}, "encoding_format"),
        ]
        for path, body, param in cases:
            response, error = self.sim.json("POST", path, body)
            self.assertEqual(response.status, 400, (path, body))
            self.assertEqual(error["error"]["type"], "invalid_request_error")
            self.assertEqual(error["error"]["param"], param)
            self.assertTrue(error["error"]["message"])
        # Nesting that overflows a recursive parser's stack is refused with a clear message.
        for path, field in (("/v1/chat/completions", "messages"), ("/v1/embeddings", "input")):
            response, error = self.sim.json("POST", path, '{"%s":' % field + "[" * 400000)
            self.assertEqual(response.status, 400, path)
            self.assertIn("nested deeper than 64 levels", error["error"]["message"])
        response, error = self.sim.json("POST", "/v1/nothing", {})
        self.assertEqual(response.status, 404)
        self.assertIn("Invalid URL", error["error"]["message"])
        response, error = self.sim.json("GET", "/v1/chat/completions")
        self.assertEqual(response.status, 405)
        self.assertEqual(response.getheader("Allow"), "POST")


class Timing(unittest.TestCase):
    def test_time_to_first_token_within_five_percent(self):
        with Sim("--ttft", "300ms", "--itl", "10ms") as sim:
            samples = []
            for _ in range(3):
                _, payloads, first = stream(sim, chat(max_tokens=20, stream=True))
                samples.append(first)
                self.assertEqual(payloads[-1], "[DONE]")
            samples.sort()
            self.assertLess(abs(samples[1] - 0.300), 0.015, samples)
            start = time.monotonic()
            sim.json("POST", "/v1/chat/completions", chat(max_tokens=20))
            whole = time.monotonic() - start
            # 300 ms to the first token, then 19 gaps of 10 ms.
            self.assertLess(abs(whole - 0.490), 0.490 * 0.05 + 0.01, whole)

    def test_queue_wait_shows_in_time_to_first_token(self):
        with Sim("--ttft", "200ms", "--itl", "10ms", "--max-concurrency", "1") as sim:
            results = {}

            def run(name):
                results[name] = stream(sim, chat(max_tokens=10, stream=True))[2]

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
                time.sleep(0.02)
            for t in threads:
                t.join()
            first, second = sorted(results.values())
            self.assertLess(abs(first - 0.2), 0.03, results)
            # The second, sent 20 ms later, waits for the first to finish (200 + 9 x 10 ms after
            # the first was sent), then its own 200 ms: about 470 ms.
            self.assertGreater(second, 0.45, results)
            self.assertLess(second, 0.6, results)


class RateLimits(unittest.TestCase):
    def test_requests_per_minute(self):
        with Sim("--ttft", "1ms", "--itl", "1ms", "--rpm", "5") as sim:
            key = {"Authorization": "Bearer key-a"}
            for i in range(5):
                response, _ = sim.request("POST", "/v1/chat/completions", json.dumps(chat(max_tokens=2)), key)
                self.assertEqual(response.status, 200)
                self.assertEqual(response.getheader("x-ratelimit-limit-requests"), "5")
                self.assertEqual(response.getheader("x-ratelimit-remaining-requests"), str(4 - i))
                self.assertRegex(response.getheader("x-ratelimit-reset-requests"), r"^\d+(ms|s)|\d+s\d*")
            response, data = sim.request("POST", "/v1/chat/completions", json.dumps(chat(max_tokens=2)), key)
            self.assertEqual(response.status, 429)
            self.assertEqual(response.getheader("Retry-After"), "12")  # one request every 12 s
            self.assertTrue(11000 <= int(response.getheader("retry-after-ms")) <= 12000)
            self.assertEqual(response.getheader("x-ratelimit-remaining-requests"), "0")
            error = json.loads(data)["error"]
            self.assertEqual(error["code"], "rate_limit_exceeded")
            self.assertEqual(error["type"], "requests")
            self.assertIn("RPM", error["message"])
            # Another key has its own allowance; streamed requests are limited the same way.
            other = {"Authorization": "Bearer key-b"}
            response, _, _ = stream(sim, chat(max_tokens=2, stream=True), headers=other)
            self.assertEqual(response.status, 200)
            response, _, _ = stream(sim, chat(max_tokens=2, stream=True), headers=key)
            self.assertEqual(response.status, 429)
            _, metrics = sim.request("GET", "/metrics")
            self.assertIn('ragscale_sim_rate_limited_total{limit="requests"} 2', metrics.decode())

    def test_tokens_per_minute(self):
        with Sim("--ttft", "1ms", "--itl", "1ms", "--tpm", "200") as sim:
            body = json.dumps(chat("hi", max_tokens=150))  # 3 + 4 + 1 prompt tokens + 150
            response, _ = sim.request("POST", "/v1/chat/completions", body)
            self.assertEqual(response.status, 200)
            self.assertEqual(response.getheader("x-ratelimit-limit-tokens"), "200")
            self.assertEqual(response.getheader("x-ratelimit-remaining-tokens"), "42")
            response, data = sim.request("POST", "/v1/chat/completions", body)
            self.assertEqual(response.status, 429)
            self.assertEqual(json.loads(data)["error"]["type"], "tokens")
            self.assertIsNotNone(response.getheader("Retry-After"))


def expect_reset(test, sim, body, path="/v1/chat/completions"):
    """The request ends in a connection reset (or abrupt close) rather than an answer."""
    conn = sim.connection(timeout=5)
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    with test.assertRaises((ConnectionResetError, http.client.IncompleteRead, http.client.RemoteDisconnected,
                            http.client.HTTPException, BrokenPipeError)):
        response = conn.getresponse()
        read_events(response) if body.get("stream") else response.read()
        raise AssertionError("the answer completed")
    conn.close()


def expect_hang(test, sim, body, wait=0.8):
    conn = sim.connection(timeout=wait)
    conn.request("POST", "/v1/chat/completions", body=json.dumps(body), headers={"Content-Type": "application/json"})
    with test.assertRaises(socket.timeout):
        conn.getresponse()
    conn.close()


class FaultsAtStart(unittest.TestCase):
    def test_error_rate(self):
        with Sim("--ttft", "1ms", "--error-rate", "1", "--error-status", "503") as sim:
            response, error = sim.json("POST", "/v1/chat/completions", chat())
            self.assertEqual(response.status, 503)
            self.assertEqual(error["error"]["type"], "server_error")
            response, _ = sim.json("POST", "/v1/embeddings", {"input": "x"})
            self.assertEqual(response.status, 503)

    def test_timeout_never_answers(self):
        with Sim("--ttft", "1ms", "--timeout-rate", "1") as sim:
            expect_hang(self, sim, chat())
            _, metrics = sim.request("GET", "/metrics")
            self.assertIn('ragscale_sim_faults_injected_total{kind="timeout"} 1', metrics.decode())

    def test_reset_mid_stream(self):
        with Sim("--ttft", "1ms", "--itl", "1ms", "--reset-rate", "1") as sim:
            conn = sim.connection()
            conn.request("POST", "/v1/chat/completions", body=json.dumps(chat(max_tokens=50, stream=True)))
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            payloads = []
            with self.assertRaises((ConnectionResetError, http.client.IncompleteRead, http.client.HTTPException)):
                read_events(response, payloads.append)
                raise AssertionError("the stream completed: %d events" % len(payloads))
            conn.close()
            self.assertGreaterEqual(len(payloads), 2)  # the role chunk and at least one token came first
            self.assertNotIn("[DONE]", payloads)
            expect_reset(self, sim, chat(max_tokens=5))

    def test_slow_mode(self):
        with Sim("--ttft", "10ms", "--itl", "1ms", "--slow-rate", "1", "--slow-delay", "uniform(600ms, 700ms)") as sim:
            _, _, first = stream(sim, chat(max_tokens=3, stream=True))
            self.assertGreater(first, 0.6)
            self.assertLess(first, 0.8)

    def test_outage_window(self):
        with Sim("--ttft", "1ms", "--itl", "1ms", "--outage", "0s+700ms", "--outage-status", "503") as sim:
            response, error = sim.json("POST", "/v1/chat/completions", chat(max_tokens=2))
            self.assertEqual(response.status, 503)
            self.assertEqual(error["error"]["code"], "outage")
            self.assertEqual(sim.request("GET", "/health")[0].status, 503)
            time.sleep(0.8)
            self.assertEqual(sim.json("POST", "/v1/chat/completions", chat(max_tokens=2))[0].status, 200)
            self.assertEqual(sim.request("GET", "/health")[0].status, 200)


class FaultsThroughAdmin(unittest.TestCase):
    def test_break_and_heal_every_fault(self):
        with Sim("--ttft", "5ms", "--itl", "1ms") as sim:
            response, faults = sim.json("GET", "/admin/faults")
            self.assertEqual(response.status, 200)
            self.assertEqual(faults["error_rate"], 0)
            self.assertEqual(faults["outages"], [])

            response, faults = sim.json("POST", "/admin/faults", {"error_rate": 1.0, "error_status": 503})
            self.assertEqual((response.status, faults["error_rate"], faults["error_status"]), (200, 1.0, 503))
            self.assertEqual(sim.json("POST", "/v1/chat/completions", chat())[0].status, 503)
            self.assertEqual(sim.json("GET", "/admin/faults")[1]["error_status"], 503)

            sim.json("POST", "/admin/faults", {})
            self.assertEqual(sim.json("POST", "/v1/chat/completions", chat(max_tokens=2))[0].status, 200)

            sim.json("POST", "/admin/faults", {"timeout_rate": 1})
            expect_hang(self, sim, chat(max_tokens=2), wait=0.5)

            sim.json("POST", "/admin/faults", {"reset_rate": 1})
            expect_reset(self, sim, chat(max_tokens=20, stream=True))

            sim.json("POST", "/admin/faults", {"slow_rate": 1, "slow_delay": "500ms"})
            _, _, first = stream(sim, chat(max_tokens=2, stream=True))
            self.assertGreater(first, 0.5)

            _, faults = sim.json("POST", "/admin/faults", {"outages": [{"start": "0s", "duration": "600ms"}]})
            self.assertEqual(len(faults["outages"]), 1)
            self.assertEqual(sim.json("POST", "/v1/chat/completions", chat(max_tokens=2))[0].status, 503)
            time.sleep(0.7)
            self.assertEqual(sim.json("POST", "/v1/chat/completions", chat(max_tokens=2))[0].status, 200)
            self.assertEqual(sim.json("GET", "/admin/faults")[1]["outages"], [])

            response, error = sim.json("POST", "/admin/faults", {"error_rate": 3})
            self.assertEqual(response.status, 400)
            self.assertIn("error_rate", error["error"]["message"])
            response, error = sim.json("POST", "/admin/faults", {"eror_rate": 1})
            self.assertEqual(response.status, 400)
            self.assertIn("unknown fault", error["error"]["message"])

            _, metrics = sim.request("GET", "/metrics")
            text = metrics.decode()
            for kind in ("error", "timeout", "reset", "slow", "outage"):
                self.assertRegex(text, r'ragscale_sim_faults_injected_total\{kind="%s"\} [1-9]' % kind)


class CommandLine(unittest.TestCase):
    def run_sim(self, *args):
        return subprocess.run([BIN, "sim", *args], capture_output=True, text=True, timeout=10)

    def test_help_documents_the_flags(self):
        result = self.run_sim("--help")
        self.assertEqual(result.returncode, 0)
        for flag in ("--port", "--ttft", "--itl", "--max-concurrency", "--rpm", "--tpm", "--error-rate",
                     "--timeout-rate", "--reset-rate", "--slow-rate", "--outage", "--config", "--seed"):
            self.assertIn(flag, result.stdout)

    def test_bad_flags_give_one_clear_line(self):
        for args, expected in ((["--prot", "1"], "unknown flag '--prot'"),
                               (["--ttft", "soon"], "--ttft"),
                               (["--error-rate", "2"], "--error-rate"),
                               (["--config", "/nonexistent.yaml"], "cannot read")):
            result = self.run_sim(*args)
            self.assertEqual(result.returncode, 2)
            self.assertIn(expected, result.stderr)
            self.assertEqual(result.stderr.count("\n"), 1, result.stderr)

    def test_config_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("ttft: 50ms\nitl: 1ms\nrpm: 1\nmodel: from-yaml\n")
            path = f.name
        try:
            with Sim("--config", path) as sim:
                _, models = sim.json("GET", "/v1/models")
                self.assertEqual(models["data"][0]["id"], "from-yaml")
                self.assertEqual(sim.request("POST", "/v1/chat/completions", json.dumps(chat(max_tokens=1)))[0].status, 200)
                self.assertEqual(sim.request("POST", "/v1/chat/completions", json.dumps(chat(max_tokens=1)))[0].status, 429)
            with open(path, "w") as f:
                f.write("ttft: 50ms\nttfb: 1ms\n")
            result = self.run_sim("--config", path)
            self.assertEqual(result.returncode, 2)
            self.assertIn("line 2: 'ttfb' is not a setting", result.stderr)
        finally:
            os.unlink(path)

    def test_sigterm_lets_a_stream_finish(self):
        sim = Sim("--ttft", "50ms", "--itl", "20ms")
        result = {}

        def run():
            result["answer"] = stream(sim, chat(max_tokens=20, stream=True))

        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.15)
        sim.process.send_signal(signal.SIGTERM)
        thread.join(5)
        self.assertEqual(sim.process.wait(5), 0)
        self.assertEqual(result["answer"][1][-1], "[DONE]")
        self.assertEqual(sim.stop(), 0)


if __name__ == "__main__":
    unittest.main()
