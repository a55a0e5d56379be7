"""Integration tests for `ragscale load --web ADDR`, the live dashboard: the page opened in
headless Chromium while a real run goes (charts drawn, numbers move, Stop ends the run), its
JSON and routes, and the addresses it refuses."""
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest
import urllib.error
import urllib.request

from chromium import CHROMIUM, Chromium
from test_load import BIN, LoadTestCase, run_load

VISIBLE_CHARTS = ("chart-users", "chart-rps", "chart-latency")


def get(url, method="GET"):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


class Run:
    """A `ragscale load ... --web 127.0.0.1:0` run in the background; `url` is its dashboard."""

    def __init__(self, *args):
        self.process = subprocess.Popen([BIN, "load", *args, "-q", "--web", "127.0.0.1:0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = None
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            match = re.search(r"live dashboard: (http://\S+/)", line)
            if match:
                self.url = match.group(1)
                break
        if self.url is None:
            self.process.kill()
            raise AssertionError("no dashboard line: %s" % self.process.communicate()[1])

    def stats(self, since=0):
        return json.loads(get(self.url + "stats.json?since=%d" % since)[2])

    def finish(self, timeout=30):
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.communicate(timeout=30)


class DashboardTest(LoadTestCase):
    def test_page_in_chromium_draws_live_charts_and_its_stop_button_ends_the_run(self):
        if CHROMIUM is None:
            self.skipTest("chromium is not installed (apt-get install chromium)")
        run = Run(self.server.url + "/delay/10", "-u", "4", "-r", "4", "-t", "60s", "--json", self.path("run.json"),
                  "--csv", self.path("run"))
        try:
            with Chromium(run.url) as browser:
                # Charts drawn: uPlot is there, each visible chart has a canvas with ink on it.
                browser.wait_for("Number(document.body.dataset.polls) >= 2 && Number(document.body.dataset.charted) >= 2")
                self.assertEqual(browser.evaluate("typeof uPlot"), "function")
                browser.wait_for("[%s].every(id => Number(document.getElementById(id).dataset.inked) > 0)"
                                 % ",".join('"%s"' % c for c in VISIBLE_CHARTS))
                self.assertEqual(browser.evaluate("document.querySelectorAll('.chart canvas').length"), 3)
                # No streamed answers in this run: their charts stay hidden.
                self.assertTrue(browser.evaluate("document.getElementById('chart-ttft').hidden"))
                self.assertTrue(browser.evaluate("document.getElementById('chart-itl').hidden"))
                self.assertEqual(browser.evaluate("document.body.dataset.state"), "running")
                names = browser.evaluate("[...document.querySelectorAll('#table tbody tr')].map(r => r.dataset.name)")
                self.assertEqual(names, ["/delay/10", "Aggregated"])
                # Numbers move between two reads.
                first = int(browser.evaluate("document.getElementById('requests').textContent"))
                points = int(browser.evaluate("document.body.dataset.charted"))
                browser.wait_for("Number(document.body.dataset.charted) >= %d" % (points + 2))
                second = int(browser.evaluate("document.getElementById('requests').textContent"))
                self.assertGreater(second, first)
                self.assertGreater(first, 0)
                # Stop: the button posts /stop; the run ends gracefully, results written, exit 130.
                self.assertFalse(browser.evaluate("document.getElementById('stop').disabled"))
                clicked = time.monotonic()
                browser.evaluate("document.getElementById('stop').click()")
                code, out, err = run.finish(timeout=20)
                self.assertLess(time.monotonic() - clicked, 15)
                self.assertEqual(code, 130, err)
                self.assertIn("Run stopped from the web dashboard", out)
                # The page keeps the last figures once the process has gone.
                browser.wait_for("document.body.dataset.state === 'closed'")
                self.assertGreaterEqual(int(browser.evaluate("document.getElementById('requests').textContent")),
                                        second)
        finally:
            run.kill()
        with open(self.path("run.json")) as f:
            summary = json.load(f)
        self.assertGreater(summary["aggregate"]["requests"], 0)
        self.assertEqual(summary["aggregate"]["failures"], 0)
        self.assertLess(summary["run"]["duration_s"], 30)
        self.assertTrue(os.path.exists(self.path("run_stats.csv")))

    def test_streamed_answer_charts_appear_when_the_series_carry_them(self):
        if CHROMIUM is None:
            self.skipTest("chromium is not installed (apt-get install chromium)")
        run = Run(self.server.url + "/", "-u", "1", "-t", "30s", "--wait", "50ms")
        try:
            _, _, page = get(run.url)
        finally:
            run.kill()
        # The same page, fed a series with time-to-first-token and inter-token figures.
        points = [{"t": float(t), "users": 1, "rps": 5, "fps": 0, "p50_ms": 300.0, "p95_ms": 320.0, "p99_ms": 330.0,
                   "ttft_p50_ms": 300.0 + t, "ttft_p95_ms": 310.0 + t, "ttft_p99_ms": 320.0 + t,
                   "itl_p50_ms": 20.0, "itl_p95_ms": 22.0 + t, "itl_p99_ms": 25.0} for t in range(1, 6)]
        row = {"method": "POST", "name": "/v1/chat/completions", "requests": 25, "failures": 0, "median_us": 300000,
               "p95_us": 320000, "p99_us": 330000, "avg_us": 301000.0, "rps": 5.0, "fps": 0.0, "retries": 0}
        snapshot = {"state": "running", "host": "http://sim", "shape": "", "elapsed_s": 5.0, "planned_s": None,
                    "users": 1, "first": 0, "next": len(points), "series": points,
                    "table": [row, dict(row, method="", name="Aggregated", aggregate=True)]}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = page if self.path == "/" else json.dumps(
                    snapshot if self.path.endswith("since=0") else dict(snapshot, series=[])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if self.path == "/" else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        try:
            with Chromium("http://127.0.0.1:%d/" % fake.server_address[1]) as browser:
                browser.wait_for("Number(document.body.dataset.charted) >= 5")
                browser.wait_for("['chart-ttft', 'chart-itl'].every(id => "
                                 "!document.getElementById(id).hidden && Number(document.getElementById(id).dataset.inked) > 0)")
                self.assertEqual(browser.evaluate("document.querySelectorAll('.chart canvas').length"), 5)
        finally:
            fake.shutdown()
            fake.server_close()

    def test_stats_json_gives_points_since_a_cursor_and_the_table(self):
        run = Run(self.server.url + "/delay/5", "-u", "2", "-r", "2", "-t", "30s")
        try:
            deadline = time.time() + 10
            snapshot = run.stats()
            while snapshot["next"] < 3 and time.time() < deadline:
                time.sleep(0.3)
                snapshot = run.stats()
            self.assertGreaterEqual(snapshot["next"], 3)
            self.assertEqual(snapshot["state"], "running")
            self.assertEqual(len(snapshot["series"]), snapshot["next"])
            point = snapshot["series"][-1]
            for key in ("t", "users", "rps", "fps", "p50_ms", "p95_ms", "p99_ms"):
                self.assertIn(key, point)
            self.assertGreaterEqual(point["p50_ms"], 5)
            self.assertEqual(snapshot["table"][-1]["name"], "Aggregated")
            later = run.stats(since=snapshot["next"])
            self.assertEqual(len(later["series"]), later["next"] - snapshot["next"])
            # Only the dashboard's routes, each with its method.
            with self.assertRaises(urllib.error.HTTPError) as caught:
                get(run.url + "nothing-here")
            self.assertEqual(caught.exception.code, 404)
            with self.assertRaises(urllib.error.HTTPError) as caught:
                get(run.url + "stop")
            self.assertEqual(caught.exception.code, 405)
            status, _, _ = get(run.url + "stop", method="POST")
            self.assertEqual(status, 202)
            code, _, err = run.finish()
            self.assertEqual(code, 130, err)
        finally:
            run.kill()

    def test_a_bad_address_or_a_port_in_use_is_bad_input(self):
        for address, fragment in (("8089", "HOST:PORT"), ("127.0.0.1:http", "port 'http'"),
                                  ("127.0.0.1:70000", "port '70000'"), ("no-such-host.invalid:8089", "no-such-host")):
            result = run_load(self.server.url + "/", "-t", "30s", "--web", address)
            self.assertEqual(result.returncode, 2, (address, result.stderr))
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
            self.assertIn("--web", result.stderr)
            self.assertIn(fragment, result.stderr)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            started = time.monotonic()
            result = run_load(self.server.url + "/", "-t", "30s", "--web", "127.0.0.1:%d" % port)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
            self.assertIn("127.0.0.1:%d" % port, result.stderr)
            self.assertIn("in use", result.stderr)
            self.assertLess(time.monotonic() - started, 10)  # refused before the run, not after it
            self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main()
