"""Integration tests for `ragscale cluster`: a real local cluster (PostgreSQL, Redis, the sim,
HAProxy and serve replicas, all from Debian's packages and our binary) in a temporary folder.
One cluster goes through its life: up, status (text and JSON), an upload through the
balancer found by every replica, an answer cached by one replica a hit on another, scale
up and down under steady requests with none failing, a replica killed and started again by
the keeper with the current index, down leaving nothing running and the data kept, up
again over that data, and down --purge. Bad input is refused with exit 2 before anything
starts.

The binary comes from $RAGSCALE_BIN.
"""

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
import uuid

from processes import BIN, metric, request


def run_cluster(*args, timeout=240):
    return subprocess.run([BIN, "cluster", *args], capture_output=True, text=True, timeout=timeout)


def free_base_port(span=30):
    """A port P such that P .. P+span are all free right now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + span > 65000:
            continue
        try:
            sockets = []
            for port in range(base, base + span):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise AssertionError("no run of free ports")


def running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def processes_using(folder):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if folder.encode() in f.read():
                    found.append(int(entry))
        except OSError:
            pass
    return found


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class SteadyRequests:
    """Requests through the balancer from a few threads until stopped; counts failures."""

    def __init__(self, port, threads=4):
        self.port, self.done, self.failures, self.count = port, threading.Event(), [], 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop) for _ in range(threads)]
        for t in self.threads:
            t.start()

    def loop(self):
        while not self.done.is_set():
            try:
                status, _, body = request(self.port, "GET", "/health", timeout=10)
                ok = status == 200
            except OSError as e:
                ok, status, body = False, 0, str(e).encode()
            with self.lock:
                self.count += 1
                if not ok:
                    self.failures.append((status, body[:100]))
            time.sleep(0.005)

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join()
        return self.count, self.failures


def have_cluster_parts():
    return all(shutil.which(p) for p in ("haproxy", "redis-server")) and os.path.isdir("/usr/lib/postgresql")


@unittest.skipUnless(BIN and os.path.exists(BIN), "set RAGSCALE_BIN to the ragscale binary")
@unittest.skipUnless(have_cluster_parts(), "haproxy, redis-server and postgresql-15 are needed "
                                           "(scripts/install-deps.sh --with-test-peers)")
class ClusterLifeTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ragscale-cluster-")
        self.port = free_base_port()

    def tearDown(self):
        run_cluster("down", "--dir", self.dir, "--purge")
        shutil.rmtree(self.dir, ignore_errors=True)

    def status(self):
        done = run_cluster("status", "--dir", self.dir, "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout)

    def replicas(self, status=None):
        return [p for p in (status or self.status())["processes"] if p["role"] == "replica"]

    def search_finds(self, port, tag):
        status, _, body = request(port, "POST", "/api/v1/search", {"query": f"quokka-{tag} lattice", "top_k": 3})
        return status == 200 and tag.encode() in body

    def test_a_cluster_from_up_to_down(self):
        up = run_cluster("up", "--replicas", "2", "--dir", self.dir, "--port", str(self.port), "--sim",
                         "--", "--workers", "1")
        self.assertEqual(up.returncode, 0, up.stdout + up.stderr)
        for part in ("postgres ready", "redis ready", "sim ready", "haproxy balancing", "replica-2 ready"):
            self.assertIn(part, up.stdout)

        status = self.status()
        self.assertEqual(status["phase"], "running")
        self.assertEqual(status["ready_replicas"], 2)
        self.assertEqual({p["role"] for p in status["processes"]}, {"postgres", "redis", "sim", "balancer", "replica"})
        self.assertTrue(all(p["running"] for p in status["processes"]), status)
        # "UP 1/2" is up too: admitted, its first check of HAProxy's own still to come.
        self.assertTrue(all(p["balancer"].startswith("UP") for p in self.replicas(status)), status)
        text = run_cluster("status", "--dir", self.dir)
        self.assertIn("2 of 2 replicas ready", text.stdout)
        for name in ("postgres", "redis", "sim", "haproxy", "replica-1", "replica-2"):
            self.assertIn(name, text.stdout)
        # HAProxy's Prometheus endpoint names the backend's servers.
        _, _, exported = request(self.port + 1, "GET", "/metrics")
        self.assertIn(b'haproxy_server_status{proxy="replicas",server="replica1"', exported)

        # An upload through the balancer is searchable on every replica.
        tag = uuid.uuid4().hex[:10]
        code, _, _ = request(self.port, "POST", "/api/v1/documents/upload",
                             {"title": f"zebra {tag}", "text": f"The quokka-{tag} protocol routes zebra packets over lattice links."})
        self.assertEqual(code, 201)
        ports = [p["port"] for p in self.replicas()]
        wait_for(lambda: all(self.search_finds(p, tag) for p in ports), 5, "the upload on every replica")

        # An answer cached by one replica is a hit on the other (Redis, the shared level),
        # once both have applied the upload (each change applied bumps the shared generation).
        def generations():
            return [metric(p, "ragscale_shared_index_generation") for p in ports]
        def settled():
            first = generations()
            time.sleep(0.3)
            return len(set(first)) == 1 and generations() == first
        wait_for(settled, 10, "both replicas on one shared index generation")
        question = {"query": f"what does the quokka-{tag} protocol route?"}
        self.assertEqual(request(ports[0], "POST", "/api/v1/query", question)[0], 200)
        hits = metric(ports[1], "ragscale_cache_l2_hits_total")
        self.assertEqual(request(ports[1], "POST", "/api/v1/query", question)[0], 200)
        self.assertEqual(metric(ports[1], "ragscale_cache_l2_hits_total"), hits + 1)

        # Scaling up and down under steady requests fails none of them.
        load = SteadyRequests(self.port)
        try:
            self.assertEqual(run_cluster("scale", "3", "--dir", self.dir).returncode, 0)
            self.assertEqual(len(self.replicas()), 3)
            wait_for(lambda: all(p["balancer"].startswith("UP") for p in self.replicas()), 5, "three replicas UP")
            time.sleep(0.5)
            before = {p["name"]: p["pid"] for p in self.replicas()}
            scaled = run_cluster("scale", "1", "--dir", self.dir, "--json")
            self.assertEqual(scaled.returncode, 0, scaled.stderr)
            self.assertTrue(json.loads(scaled.stdout)["done"])
            time.sleep(0.5)
        finally:
            count, failures = load.stop()
        self.assertGreater(count, 50)
        self.assertEqual(failures, [], f"{len(failures)} of {count} requests failed while scaling")
        left = self.replicas()
        self.assertEqual([p["name"] for p in left], ["replica-1"])
        for name in ("replica-2", "replica-3"):
            self.assertFalse(running(before[name]), f"{name} still running after scale 1")

        # A replica killed is started again by the keeper and rejoins with the current index.
        self.assertEqual(run_cluster("scale", "2", "--dir", self.dir).returncode, 0)
        victim = self.replicas()[1]
        os.kill(victim["pid"], signal.SIGKILL)
        wait_for(lambda: any(p["name"] == victim["name"] and p["restarts"] == 1 and p["health"] == "ready"
                             and p["balancer"].startswith("UP") for p in self.replicas()), 30, "the killed replica back")
        self.assertTrue(self.search_finds(victim["port"], tag))

        # down stops everything and keeps the data; up again finds the document.
        pids = [p["pid"] for p in self.status()["processes"]] + [self.status()["keeper"]["pid"]]
        down = run_cluster("down", "--dir", self.dir)
        self.assertEqual(down.returncode, 0, down.stderr)
        self.assertEqual([p for p in pids if running(p)], [])
        self.assertEqual(processes_using(self.dir), [])
        self.assertEqual(self.status()["phase"], "stopped")
        self.assertEqual(run_cluster("down", "--dir", self.dir).returncode, 0)  # twice is fine

        again = run_cluster("up", "--replicas", "1", "--dir", self.dir, "--port", str(self.port))
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertTrue(self.search_finds(self.port, tag))
        purge = run_cluster("down", "--dir", self.dir, "--purge")
        self.assertEqual(purge.returncode, 0, purge.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "postgres")))
        self.assertEqual(processes_using(self.dir), [])


@unittest.skipUnless(BIN and os.path.exists(BIN), "set RAGSCALE_BIN to the ragscale binary")
class ClusterBadInputTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ragscale-cluster-bad-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def refused(self, *args, says):
        done = run_cluster(*args, timeout=30)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn(says, done.stderr)
        self.assertEqual(processes_using(self.dir), [])

    def test_bad_input_is_refused_before_anything_starts(self):
        self.assertEqual(run_cluster("--help").returncode, 0)
        self.refused(says="say what to do")
        self.refused("launch", says="unknown action 'launch'")
        self.refused("up", "--replicas", "0", "--dir", self.dir, says="--replicas must be between 1")
        self.refused("up", "--replicas", "three", "--dir", self.dir, says="not a whole number")
        self.refused("up", "--sim", "--llm-url", "http://x", "--dir", self.dir, says="give one")
        self.refused("up", "--port", "65530", "--dir", self.dir, says="leaves no room")
        self.refused("scale", "--dir", self.dir, says="needs the replica count")
        self.refused("status", "--dir", self.dir, says="no cluster in")
        self.refused("status", "--dir", self.dir, "--", "--workers", "2", says="belong to cluster up")
        with socket.socket() as busy:
            busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            port = free_base_port()
            busy.bind(("127.0.0.1", port + 3))
            busy.listen()
            self.refused("up", "--dir", self.dir, "--port", str(port), says=f"port {port + 3} (Redis) is in use")
