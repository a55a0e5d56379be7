"""Hostile clients against the real `ragscale serve` and `ragscale sim` binaries on loopback.

Each case attacks the HTTP core the way a broken or malicious client would (slowloris,
slow readers, resets, request smuggling, oversized heads and bodies, pipelined floods,
tens of thousands of idle connections, file-descriptor exhaustion) and checks the outcome
the protocol asks for. After every case the server must still be healthy: alive, /health
answered within 10 ms, no core spinning, and its resident memory back within 10% of what
it was before the attacks began. Memory is judged on anonymous pages (RssAnon: heap,
stacks, buffers), the part a leak grows; pages of the binary and its libraries that an
attack first makes the server execute are file-backed and are not held memory. The
bound is 10% of the starting RSS or 1 MB, whichever is larger: the allocator keeps up to
a megabyte of freed heap for reuse, which in the 8 MB sim is more than a tenth.

The binary comes from $RAGSCALE_BIN.
"""

import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("RAGSCALE_BIN", "")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
API_KEY = "hostile-key"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The short timeouts the attacked servers run with, so that each case ends in seconds.
HEADER_TIMEOUT_S = 2
BODY_TIMEOUT_S = 2
# The flags both attacked servers share: those timeouts, and room for 19,000 connections.
LIMITS = ["--header-timeout", f"{HEADER_TIMEOUT_S}s", "--body-timeout", f"{BODY_TIMEOUT_S}s",
          "--max-connections", "19000"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Process:
    """A ragscale subcommand on a free port, with what /proc says about it."""

    def __init__(self, args, ready_path, fd_limit=None, env=None):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        environment = dict(os.environ)
        environment.update(env or {})

        def limit_fds():
            if fd_limit:
                resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

        self.process = subprocess.Popen([BIN, *args, "--port", str(self.port)], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=environment, preexec_fn=limit_fds)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("exited early:\n" + self.output())
            try:
                if status_of(exchange(self.port, b"GET " + ready_path + b" HTTP/1.1\r\nHost: x\r\n"
                                      b"Connection: close\r\n\r\n", 1)) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("not ready in time:\n" + self.output())

    @property
    def pid(self):
        return self.process.pid

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def alive(self):
        return self.process.poll() is None

    def status_mb(self, field):
        """A size from /proc/PID/status (VmRSS, VmSize) in MB."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def rss_mb(self):
        return self.status_mb("VmRSS")

    def anon_mb(self):
        return self.status_mb("RssAnon")

    def vm_mb(self):
        return self.status_mb("VmSize")

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def stop(self):
        stop_process(self.process)
        self.log.close()


def stop_process(process, grace=15):
    """SIGTERM, then SIGKILL if it has not exited within `grace` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_all(s, timeout):
    """Everything the peer sends until it closes or `timeout` passes."""
    s.settimeout(timeout)
    out = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            s.settimeout(max(0.01, deadline - time.time()))
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return out


def exchange(port, raw, timeout=3):
    with connect(port, timeout) as s:
        s.sendall(raw)
        return read_all(s, timeout)


def status_of(response):
    line = response.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else 0


def statuses(response):
    """The status of every response in a stream of them (bodies here end in a bare newline)."""
    return [int(code) for code in re.findall(rb"(?:^|\n)HTTP/1\.1 (\d{3}) ", response)]


def closed_within(s, seconds):
    """True if the peer closes (EOF or reset) the socket within `seconds`; the time it took."""
    start = time.time()
    s.settimeout(seconds)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return True, time.time() - start
    except socket.timeout:
        return False, time.time() - start
    except ConnectionResetError:
        return True, time.time() - start


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def health_latency_ms(port):
    """Best of five fresh-connection /health round trips (the machine is shared and noisy)."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        response = exchange(port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2)
        elapsed = (time.perf_counter() - start) * 1000
        if status_of(response) == 200:
            best = min(best, elapsed)
    return best


class HostileClients:
    """The checks every case ends with; the subclasses say which server is attacked."""

    target = None  # a Process

    @classmethod
    def settle(cls):
        """Warm the server up with the ordinary traffic of each kind the attacks use (plain and
        streamed answers, many connections), then remember its resident size as the bound
        to come back to."""
        for _ in range(300):
            exchange(cls.target.port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2)
        answers = []
        threads = [threading.Thread(target=lambda raw=raw: answers.append(
                       exchange(cls.target.port, raw.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1), 15)))
                   for raw in [cls.pending_request()] * 8 + [cls.streamed_request()] * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(status_of(a) == 200 for a in answers), [a[:100] for a in answers]
        many = [connect(cls.target.port) for _ in range(2000)]
        for s in many:
            s.close()
        time.sleep(1.0)
        cls.start_rss = cls.target.rss_mb()
        cls.start_anon = cls.target.anon_mb()
        cls.start_fds = cls.target.open_fds()

    def assert_healthy(self, case):
        target = self.target
        self.assertTrue(target.alive(), f"{case}: the server died:\n" + target.output()[-3000:])
        latency = health_latency_ms(target.port)
        self.assertLess(latency, 10.0, f"{case}: /health took {latency:.1f} ms")
        # No core spins once the attack is over: a second of wall time costs well under a tenth.
        deadline = time.time() + 10
        while True:
            before = target.cpu_seconds()
            time.sleep(1.0)
            spent = target.cpu_seconds() - before
            if spent < 0.1 or time.time() > deadline:
                break
        self.assertLess(spent, 0.1, f"{case}: the idle server used {spent:.2f} s of CPU in 1 s")
        # Memory and descriptors come back: connections and their buffers are released.
        bound = self.start_anon + max(0.10 * self.start_rss, 1.0)
        deadline = time.time() + 10
        while target.anon_mb() > bound and time.time() < deadline:
            time.sleep(0.2)
        rss, anon = target.rss_mb(), target.anon_mb()
        self.assertLessEqual(anon, bound,
                             f"{case}: anonymous memory {anon:.1f} MB grew by {anon - self.start_anon:.1f} MB, "
                             f"more than 10% of the starting RSS ({self.start_rss:.1f} MB) or 1 MB")
        while target.open_fds() > self.start_fds + 2 and time.time() < deadline:
            time.sleep(0.2)
        self.assertLessEqual(target.open_fds(), self.start_fds + 2, f"{case}: descriptors leaked")
        sys.stderr.write(f"  {case}: /health {latency:.2f} ms, RSS {rss:.1f} MB (start {self.start_rss:.1f}), "
                         f"anonymous {anon:.1f} MB (start {self.start_anon:.1f}), fds {target.open_fds()}\n")

    # --- slow clients ----------------------------------------------------------------

    def assert_drips_are_cut(self, count, opening, drip, timeout_s, what):
        """`count` clients send `opening`, then one `drip` every half second: a drip must
        not extend the deadline, so each is cut within its timeout (plus slack)."""
        sockets = self.send_from_many(count, opening)
        for _ in range(int(timeout_s / 0.5) + 2):
            time.sleep(0.5)
            for s in sockets:
                try:
                    s.sendall(drip)
                except OSError:
                    pass
        for s in sockets:
            closed, _ = closed_within(s, timeout_s + 3)
            self.assertTrue(closed, f"{what} dripping for longer than its timeout was kept")
            s.close()

    def test_slowloris_heads_are_cut_at_the_header_timeout(self):
        self.assert_drips_are_cut(200, b"GET /health HTTP/1.1\r\nHost: x\r\n", b"X-A: b\r\n", HEADER_TIMEOUT_S, "a head")
        self.assert_healthy("slowloris heads")

    def test_slowloris_bodies_are_cut_at_the_body_timeout(self):
        self.assert_drips_are_cut(100, self.post_head(b"/health", 100000), b"x", BODY_TIMEOUT_S, "a body")
        self.assert_healthy("slowloris bodies")

    def test_a_reader_that_never_reads_is_dropped_with_bounded_memory(self):
        # 40 MB of pipelined /health requests whose answers are never read: the server
        # must stop buffering answers and drop the connection rather than grow without bound.
        request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        flood = request * (40 * 1024 * 1024 // len(request))
        s = connect(self.target.port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(0.5)
        peak = 0.0
        sent = 0
        deadline = time.time() + 30
        while sent < len(flood) and time.time() < deadline:
            try:
                sent += s.send(flood[sent:sent + 1024 * 1024])
            except socket.timeout:
                pass
            except OSError:
                break
            peak = max(peak, self.target.rss_mb())
        dropped, _ = closed_within(s, 40)
        s.close()
        self.assertTrue(dropped, "a client that never reads was kept forever")
        self.assertLess(peak - self.start_rss, 64, f"a non-reading client grew the server by {peak - self.start_rss:.0f} MB")
        self.assert_healthy("slow reader")

    # --- resets ----------------------------------------------------------------------

    def send_from_many(self, count, raw):
        sockets = []
        for _ in range(count):
            s = connect(self.target.port)
            s.sendall(raw)
            sockets.append(s)
        return sockets

    def test_reset_while_the_answer_is_pending_does_not_spin(self):
        sockets = self.send_from_many(20, self.pending_request())
        time.sleep(0.2)
        for s in sockets:
            reset(s)
        before = self.target.cpu_seconds()
        time.sleep(2.0)
        spent = self.target.cpu_seconds() - before
        self.assertLess(spent, 0.3, f"after 20 resets the server used {spent:.2f} s of CPU in 2 s")
        self.assert_healthy("reset with an answer pending")

    def test_reset_mid_stream(self):
        sockets = self.send_from_many(20, self.streamed_request())
        for s in sockets:
            s.settimeout(10)
            s.recv(100)  # the stream has started
            reset(s)
        self.assert_healthy("reset mid-stream")

    # --- request smuggling -----------------------------------------------------------

    SMUGGLING = {
        "CL+TE": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"0\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\n\r\n",
        "TE with a space before the colon": b"GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"
                                            b"5\r\nhello\r\n0\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\n\r\n",
        "duplicate Content-Length": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 38\r\n\r\n"
                                    b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n",
        "obs-fold": b"GET /health HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        "bare LF": b"GET /health HTTP/1.1\nHost: x\n\nGET /ready HTTP/1.1\nHost: x\n\n",
        "TE not chunked last": b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                               b"0\r\n\r\n",
        "HTTP/1.1 without Host": b"GET /health HTTP/1.1\r\nAccept: */*\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\n\r\n",
        "two Hosts": b"GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\n\r\n",
    }

    def test_request_smuggling_variants_are_refused(self):
        for name, raw in self.SMUGGLING.items():
            with self.subTest(name):
                response = exchange(self.target.port, raw, 3)
                self.assertEqual(statuses(response), [400], f"{name}: {response[:200]!r}")
        self.assert_healthy("smuggling")

    def test_unmet_expectations_get_417_and_http10_may_omit_host(self):
        raw = self.post_head(self.json_route(), 5).replace(b"\r\n\r\n", b"\r\nExpect: 200-ok\r\n\r\n", 1)
        start = time.time()
        response = exchange(self.target.port, raw, 3)
        self.assertEqual(statuses(response), [417], response[:200])
        self.assertLess(time.time() - start, 2.5, "answered only after the body timeout")
        response = exchange(self.target.port, b"GET /health HTTP/1.0\r\n\r\n", 3)
        self.assertEqual(status_of(response), 200, response[:200])
        self.assert_healthy("Expect and Host")

    # --- oversized input -------------------------------------------------------------

    def test_oversized_heads_header_counts_and_bodies(self):
        cases = {
            "a 64 KB header": (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n", 431),
            "15,000 empty headers": (b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X:\r\n" * 15000 + b"\r\n", 431),
            "500 small headers": (b"GET /health HTTP/1.1\r\nHost: x\r\n" +
                                  b"".join(b"X-%d: 1\r\n" % i for i in range(500)) + b"\r\n", 431),
            "a 100 MB body on a small route": (self.post_head(self.json_route(), 100 * 1024 * 1024), 413),
        }
        for name, (raw, expected) in cases.items():
            with self.subTest(name):
                start = time.time()
                response = exchange(self.target.port, raw, 3)
                self.assertEqual(status_of(response), expected, f"{name}: {response[:200]!r}")
                self.assertLess(time.time() - start, 2.5, f"{name}: answered only after the timeout")
        self.assert_healthy("oversized input")

    def test_heads_announcing_huge_bodies_reserve_nothing(self):
        before = self.target.vm_mb()
        sockets = self.send_from_many(20, self.post_head(self.upload_route(), 100 * 1024 * 1024) + b"abc")
        time.sleep(0.5)
        grown = self.target.vm_mb() - before
        for s in sockets:
            s.close()
        self.assertLess(grown, 200, f"20 heads announcing 100 MB grew the address space by {grown:.0f} MB")
        self.assert_healthy("huge announced bodies")

    def test_nested_json_is_refused(self):
        body = b"[" * 300000
        response = exchange(self.target.port, self.post_head(self.upload_route(), len(body)) + body, 5)
        self.assertEqual(status_of(response), 400, response[:300])
        self.assert_healthy("nested JSON")

    # --- floods ----------------------------------------------------------------------

    def test_pipelined_flood_is_answered_in_order(self):
        count = 20000
        s = connect(self.target.port, 20)
        received = []

        def reader():
            received.append(read_all(s, 20))

        thread = threading.Thread(target=reader)
        thread.start()
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * (count - 1) +
                  b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        thread.join()
        s.close()
        answers = statuses(received[0])
        self.assertEqual(len(answers), count)
        self.assertEqual(set(answers), {200})
        self.assert_healthy("pipelined flood")

    def test_twenty_thousand_idle_connections(self):
        # Two client processes, each holding 10,000 idle connections, so no single
        # process needs more descriptors than this machine allows.
        helper = (
            "import socket,sys,time,resource\n"
            "h=resource.getrlimit(resource.RLIMIT_NOFILE)[1];resource.setrlimit(resource.RLIMIT_NOFILE,(h,h))\n"
            "port,n,src=int(sys.argv[1]),int(sys.argv[2]),sys.argv[3]\n"
            "socks=[];refused=0\n"
            "for i in range(n):\n"
            "  s=socket.socket();s.bind((src,0))\n"
            "  try:\n"
            "    s.connect(('127.0.0.1',port));socks.append(s)\n"
            "  except OSError:\n"
            "    refused+=1;s.close()\n"
            "print(len(socks),refused,flush=True)\n"
            "sys.stdin.readline()\n"
        )
        clients = [subprocess.Popen([sys.executable, "-c", helper, str(self.target.port), "10000", source],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                   for source in ("127.0.0.2", "127.0.0.3")]
        try:
            counts = [client.stdout.readline().split() for client in clients]
            self.assertTrue(all(counts), "the connecting clients failed")
            opened = sum(int(c[0]) for c in counts)
            self.assertGreaterEqual(opened, 19000, f"only {opened} connections opened")
            latency = health_latency_ms(self.target.port)
            sys.stderr.write(f"  20,000 idle connections: {self.target.open_fds()} server fds, "
                             f"RSS {self.target.rss_mb():.1f} MB, /health {latency:.2f} ms\n")
            self.assertTrue(self.target.alive())
        finally:
            for client in clients:
                try:
                    client.stdin.write("\n")
                    client.stdin.flush()
                except OSError:
                    pass
                client.wait(timeout=30)
        self.assert_healthy("20,000 idle connections")

    # --- protocol details --------------------------------------------------------------

    def test_head_carries_no_body(self):
        response = exchange(self.target.port, b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
                                              b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, rest = response.partition(b"\r\n\r\n")
        self.assertEqual(status_of(head), 200)
        self.assertTrue(rest.startswith(b"HTTP/1.1 200"), f"HEAD sent a body: {rest[:60]!r}")
        self.assert_healthy("HEAD")

    def test_trailing_bytes_while_an_answer_is_pending_do_not_cut_it(self):
        s = connect(self.target.port, 15)
        s.sendall(self.pending_request() + b"\r\n")
        response = read_all(s, HEADER_TIMEOUT_S + self.pending_seconds + 3)
        s.close()
        self.assertIn(status_of(response), (200,), response[:200])
        self.assert_healthy("trailing CRLF")


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class HostileClientsOfServe(HostileClients, unittest.TestCase):
    """ragscale serve with keys on, in front of a sim that takes 3 s to its first token."""

    pending_seconds = 3

    @classmethod
    def setUpClass(cls):
        raise_fd_limit()
        cls.sim = Process(["sim", "--ttft", "3s", "--itl", "20ms", "--output-tokens", "40"], b"/health")
        cls.data_dir = tempfile.mkdtemp(prefix="ragscale-hostile-")
        cls.target = Process(["serve", "--data", cls.data_dir, "--llm-url", f"http://127.0.0.1:{cls.sim.port}",
                              "--load-dir", os.path.join(REPO, "corpus", "documents"), *LIMITS],
                             b"/ready", env={"RAGSCALE_API_KEYS": API_KEY})
        cls.settle()

    @classmethod
    def tearDownClass(cls):
        cls.target.stop()
        cls.sim.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    @staticmethod
    def post_head(path, length, key=True):
        return (b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                (b"X-API-Key: " + API_KEY.encode() + b"\r\n" if key else b"") +
                b"Content-Length: %d\r\n\r\n" % length)

    @staticmethod
    def json_route():
        return b"/query"

    @staticmethod
    def upload_route():
        return b"/api/v1/documents/upload"

    @classmethod
    def pending_request(cls):
        body = json.dumps({"question": "what is hnsw?"}).encode()
        return cls.post_head(b"/query", len(body)) + body

    @classmethod
    def streamed_request(cls):
        body = json.dumps({"question": "how does retrieval work?", "stream": True}).encode()
        return cls.post_head(b"/query", len(body)) + body

    def test_uploads_are_refused_on_the_head_without_a_key(self):
        start = time.time()
        s = connect(self.target.port)
        s.sendall(self.post_head(self.upload_route(), 50 * 1024 * 1024, key=False))
        response = read_all(s, 3)
        s.close()
        self.assertEqual(status_of(response), 401, response[:200])
        self.assertLess(time.time() - start, 1.0, "the key was checked only after the body")
        self.assert_healthy("upload without a key")

    def test_expect_continue_is_answered(self):
        body = json.dumps({"title": "expect", "text": "a document sent the way curl sends uploads"}).encode()
        head = self.post_head(self.upload_route(), len(body)).replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")
        s = connect(self.target.port)
        s.sendall(head)
        interim = read_all_until(s, b"\r\n\r\n", 1.0)
        self.assertTrue(interim.startswith(b"HTTP/1.1 100"), f"no 100 Continue: {interim[:80]!r}")
        s.sendall(body)
        final = read_all_until(s, b"}", 3.0)
        s.close()
        self.assertIn(status_of(final), (201, 202), final[:200])
        # Refused heads get their final status instead of 100 Continue.
        head = self.post_head(self.upload_route(), len(body), key=False).replace(
            b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")
        self.assertEqual(status_of(exchange(self.target.port, head, 2)), 401)
        self.assert_healthy("Expect: 100-continue")

    def test_descriptor_exhaustion_sheds_without_spinning(self):
        data_dir = tempfile.mkdtemp(prefix="ragscale-hostile-fd-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        starved = Process(["serve", "--data", data_dir, "--header-timeout", "30s"], b"/ready", fd_limit=128)
        try:
            sockets, answers = [], []
            for _ in range(300):
                try:
                    sockets.append(connect(starved.port, 2))
                except OSError:
                    break
            time.sleep(0.5)
            before = starved.cpu_seconds()
            time.sleep(2.0)
            spent = starved.cpu_seconds() - before
            self.assertLess(spent, 0.3, f"with its descriptors exhausted the server used {spent:.2f} s of CPU in 2 s")
            for s in sockets[-50:]:
                s.setblocking(False)
                try:
                    answers.append(s.recv(200))
                except OSError:
                    pass
            self.assertTrue(any(b" 503 " in a for a in answers), "connections past the limit were not told 503")
            for s in sockets:
                s.close()
            time.sleep(0.5)
            self.assertEqual(status_of(exchange(starved.port, b"GET /health HTTP/1.1\r\nHost: x\r\n"
                                                b"Connection: close\r\n\r\n", 2)), 200)
        finally:
            starved.stop()


@unittest.skipUnless(BIN, "set RAGSCALE_BIN to the ragscale binary")
class HostileClientsOfSim(HostileClients, unittest.TestCase):
    """ragscale sim, whose answers take 3 s to their first token."""

    pending_seconds = 4

    @classmethod
    def setUpClass(cls):
        raise_fd_limit()
        cls.target = Process(["sim", "--ttft", "3s", "--itl", "5ms", "--output-tokens", "200", *LIMITS], b"/health")
        cls.settle()

    @classmethod
    def tearDownClass(cls):
        cls.target.stop()

    @staticmethod
    def post_head(path, length, key=True):
        return (b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % length)

    @staticmethod
    def json_route():
        return b"/v1/chat/completions"

    @staticmethod
    def upload_route():
        return b"/v1/embeddings"

    @classmethod
    def chat(cls, stream):
        body = json.dumps({"model": "m", "stream": stream,
                           "messages": [{"role": "user", "content": "what is hnsw?"}]}).encode()
        return cls.post_head(b"/v1/chat/completions", len(body)) + body

    @classmethod
    def pending_request(cls):
        return cls.chat(False)

    @classmethod
    def streamed_request(cls):
        return cls.chat(True)


def read_all_until(s, marker, timeout):
    s.settimeout(timeout)
    out = b""
    deadline = time.time() + timeout
    try:
        while marker not in out and time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return out


if __name__ == "__main__":
    unittest.main()
