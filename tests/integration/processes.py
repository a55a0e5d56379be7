"""The real processes the integration tests drive: stopping any child politely, and a
running `ragscale sim` (the OpenAI-compatible simulator) on a port of its own."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("RAGSCALE_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "ragscale"))


def stop_process(process, timeout=10):
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds; returns its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Sim:
    """A running `ragscale sim` process (--port 0; the port is read from its startup line)."""

    def __init__(self, *args):
        self.process = subprocess.Popen(
            [BIN, "sim", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        line = self.process.stdout.readline()
        match = re.search(r"listening on http://[^:]+:(\d+)", line)
        if not match:
            self.process.kill()
            raise AssertionError("no startup line: %r %r" % (line, self.process.stderr.read()))
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = self.connection(timeout)
        payload = json.dumps(body) if isinstance(body, (dict, list)) else body
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def json(self, method, path, body=None, headers=None):
        response, data = self.request(method, path, body, headers)
        return response, json.loads(data)

    def faults(self, settings):
        """Sets the faults injected from now on ({} heals)."""
        response, data = self.request("POST", "/admin/faults", settings)
        assert response.status == 200, data

    def stop(self):
        code = stop_process(self.process)
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


DOCUMENT = ("Circuit breakers stop calls to a failing backend and let a few probes through once a wait has "
            "passed. Request coalescing lets identical questions share one model call. Micro-batching "
            "groups concurrent embedding requests into one backend call.")


def request(port, method, path, body=None, headers=None, timeout=30, source=None):
    """One request on its own connection, from the address `source` when given; (status,
    headers with lower-case names, body). Without a source the kernel picks the port at
    connect time, which never connects a socket to itself; a port bound beforehand can,
    when the server is not listening yet and the two ports happen to match."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                            source_address=(source, 0) if source else None)
    try:
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def metric(port, name, labels=""):
    """The sum of the samples of `name` whose labels contain `labels`."""
    _, _, raw = request(port, "GET", "/metrics")
    total = 0.0
    for line in raw.decode().splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if labels in line:
                total += float(line.rsplit(" ", 1)[1])
    return total


class Serve:
    """`ragscale serve` on a fresh data dir and a free port, ready, holding DOCUMENT unless
    `document` is false; `env` adds to the environment."""

    def __init__(self, *args, env=None, document=True):
        self.data_dir = tempfile.mkdtemp(prefix="ragscale-resilience-")
        self.log = tempfile.TemporaryFile()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen([BIN, "serve", "--port", str(self.port), "--data", self.data_dir, *args],
                                        stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("serve exited early:\n" + self.output())
            try:
                if request(self.port, "GET", "/ready", timeout=2)[0] == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        else:
            raise AssertionError("serve not ready:\n" + self.output())
        if document:
            self.upload("Guards", DOCUMENT)

    def upload(self, title, text):
        """Uploads a document and waits until it is searchable (the index generation moves)."""
        status, _, body = request(self.port, "POST", "/api/v1/documents/upload", {"title": title, "text": text})
        assert status == 201, body
        document = json.loads(body)["id"]
        while json.loads(request(self.port, "GET", f"/api/v1/documents/{document}/status")[2])["status"] != "ready":
            time.sleep(0.02)

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def query(self, question, stream=False, timeout=30):
        status, headers, raw = request(self.port, "POST", "/query", {"question": question, "stream": stream},
                                       timeout=timeout)
        return status, headers, (raw.decode() if stream else json.loads(raw))

    def ready(self):
        status, _, raw = request(self.port, "GET", "/ready")
        return status, json.loads(raw)

    def stop(self):
        stop_process(self.process, timeout=15)
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Redis:
    """A redis-server on a free loopback port in a temporary folder, with no persistence.
    stop() kills it (the way a crashed server goes); start() brings it back, empty, on
    the same port."""

    def __init__(self):
        if not shutil.which("redis-server"):
            raise unittest.SkipTest("redis-server is not installed (apt-get install redis-server)")
        self.dir = tempfile.mkdtemp(prefix="ragscale-redis-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")])
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        raise AssertionError("redis-server did not answer on port %d" % self.port)

    def get(self, key):
        """GET key (a short text value) on a connection of its own; None when absent."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(b"GET %s\r\n" % key.encode())
            reply = s.recv(4096)
        if reply.startswith(b"$-1"):
            return None
        return reply.split(b"\r\n")[1].decode()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class ProcessesTestCase(unittest.TestCase):
    """A test that starts processes with self.start(thing) and has them stopped, newest
    first, when it ends."""

    def setUp(self):
        self.started = []

    def tearDown(self):
        for process in reversed(self.started):
            process.stop()

    def start(self, thing):
        self.started.append(thing)
        return thing
