"""Integration tests for `ragscale load --web ADDR`, the live dashboard: the page opened in
headless Chromium while a real run goes (charts drawn, numbers move, Stop ends the run), its
JSON and routes, and the addresses it refuses."""
import json
import os
import re
import signal
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from chromium import CHROMIUM, Chromium
from processes import Sim
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

    def test_streamed_answer_charts_draw_a_real_streamed_run(self):
        if CHROMIUM is None:
            self.skipTest("chromium is not installed (apt-get install chromium)")
        with Sim("--ttft", "100ms", "--itl", "10ms", "--output-tokens", "20") as sim:
            run = Run("--openai", sim.url, "--model", "m", "-u", "4", "-t", "30s")
            try:
                deadline = time.time() + 15
                streamed = []
                while len(streamed) < 3 and time.time() < deadline:
                    time.sleep(0.5)
                    streamed = [p for p in run.stats()["series"] if "ttft_p50_ms" in p]
                self.assertGreaterEqual(len(streamed), 3, "no second with streamed answers")
                # The sim's timing, seen from the dashboard: TTFT about 100 ms, gaps about 10 ms.
                point = streamed[-1]
                self.assertGreater(point["ttft_p50_ms"], 95)
                self.assertLess(point["ttft_p50_ms"], 400)
                self.assertGreater(point["itl_p50_ms"], 8)
                self.assertLess(point["itl_p50_ms"], 100)
                self.assertGreater(point["tokens_per_s"], 0)
                with Chromium(run.url) as browser:
                    browser.wait_for("Number(document.body.dataset.charted) >= 3")
                    browser.wait_for("['chart-ttft', 'chart-itl', 'chart-tokens'].every(id => "
                                     "!document.getElementById(id).hidden && "
                                     "Number(document.getElementById(id).dataset.inked) > 0)")
                    self.assertEqual(browser.evaluate("document.querySelectorAll('.chart canvas').length"), 6)
            finally:
                run.kill()

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
