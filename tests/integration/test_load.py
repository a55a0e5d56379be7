"""Integration tests for `ragscale load`: the real binary against real servers on loopback.

The generator comes from $RAGSCALE_BIN and the target from $RAGSCALE_TESTSERVER (a small
server with predictable routes: /count, /echo and /echoed, /json, /status/N, /delay/MS,
/hang, /reset).
Locust's CSV headers are taken from Debian's Locust itself, run against the same server.
"""
import csv
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest
import uuid

from processes import Sim

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("RAGSCALE_BIN", os.path.join(HERE, "..", "..", "build", "ragscale"))
TESTSERVER = os.environ.get("RAGSCALE_TESTSERVER", os.path.join(HERE, "..", "..", "build", "ragscale-testserver"))
# Debian's python3-locust lives with the system interpreter, which may not be the one running us.
LOCUST_PYTHON = "/usr/bin/python3"


class TestServer:
    """A running ragscale-testserver on a free port."""

    def __init__(self, *args):
        self.process = subprocess.Popen([TESTSERVER, "--port", "0", *args], stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (\d+)", line)
        if not match:
            self.process.kill()
            raise AssertionError("test server did not start: %r" % line)
        self.port = int(match.group(1))
        self.url = "http://127.0.0.1:%d" % self.port

    def get_json(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        data = json.loads(conn.getresponse().read())
        conn.close()
        return data

    def counts(self):
        data = self.get_json("/count")
        data["GET /count"] = data.get("GET /count", 1) - 1  # not our own request
        return data

    def received_at(self, target):
        """The requests the server received at `target` (method, target, headers as
        [name, value] pairs, body), as its /echo route saw them."""
        return [echo for echo in self.get_json("/echoed") if echo["target"] == target]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def run_load(*args, timeout=60, cwd=None):
    return subprocess.run([BIN, "load", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


class LoadTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = TestServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ragscale-load-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(textwrap.dedent(text))
        return self.path(name)

    def summary(self, name="run.json"):
        with open(self.path(name)) as f:
            return json.load(f)

    def assert_bad_input(self, result, *fragments):
        """Exit code 2, one line on stderr naming each fragment, nothing on stdout."""
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        self.assertEqual(result.stdout, "")


class QuickModeTest(LoadTestCase):
    def test_iteration_bound_sends_exactly_that_many_requests(self):
        before = self.server.counts().get("GET /echo", 0)
        result = run_load(self.server.url + "/echo", "-u", "8", "--iterations", "500", "-t", "30s", "-q",
                          "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.server.counts()["GET /echo"] - before, 500)
        summary = self.summary()
        self.assertEqual(summary["aggregate"]["requests"], 500)
        self.assertEqual(summary["aggregate"]["failures"], 0)
        self.assertLessEqual(summary["run"]["peak_users"], 8)
        self.assertRegex(result.stdout, r"GET\s+/echo\s+500\s+0\(0\.00%\)")

    def test_method_headers_and_body_reach_the_server(self):
        target = "/echo?run=%s" % uuid.uuid4().hex  # this test's requests only
        body = 'hello "server"\nline two'
        result = run_load(self.server.url + target, "-X", "PUT", "--header", "X-Test: 1",
                          "--header", "Content-Type: text/plain", "--body", body, "--iterations", "3", "-u", "1", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        received = self.server.received_at(target)
        self.assertEqual(len(received), 3, received)
        for request in received:
            self.assertEqual(request["method"], "PUT")
            self.assertEqual(request["body"], body)
            headers = [(name.lower(), value) for name, value in request["headers"]]
            self.assertEqual([v for n, v in headers if n == "x-test"], ["1"], headers)
            self.assertEqual([v for n, v in headers if n == "content-type"], ["text/plain"], headers)
            self.assertEqual([v for n, v in headers if n == "content-length"], [str(len(body.encode()))], headers)
            self.assertEqual([v for n, v in headers if n == "host"], ["127.0.0.1:%d" % self.server.port], headers)

    def test_timed_run_ends_by_itself_with_live_lines(self):
        started = time.monotonic()
        result = run_load(self.server.url + "/", "-u", "4", "-r", "4", "-t", "2s", "--wait", "10ms..20ms")
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(elapsed, 8)
        live = [line for line in result.stderr.splitlines() if "req/s" in line]
        self.assertGreaterEqual(len(live), 2, result.stderr)
        self.assertRegex(live[0], r"users \d+ \| [\d.]+ req/s \| p50 [\d.]+ ms p95 [\d.]+ ms p99 [\d.]+ ms \| errors")
        self.assertIn("Aggregated", result.stdout)

    def test_stages_ramp_users_up_and_down(self):
        result = run_load(self.server.url + "/", "--stage", "1s:6", "--stage", "1s:0", "--wait", "50ms", "-q",
                          "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = self.summary()
        self.assertGreaterEqual(summary["run"]["peak_users"], 4)
        self.assertLessEqual(summary["run"]["peak_users"], 6)
        self.assertLess(summary["run"]["duration_s"], 4)

    def test_profile_preset_is_overridden_by_flags(self):
        result = run_load(self.server.url + "/", "--profile", "smoke", "-t", "1500ms", "-r", "100", "--wait", "50ms",
                          "-q", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = self.summary()
        self.assertEqual(summary["run"]["peak_users"], 10)  # smoke: 10 users
        self.assertLess(summary["run"]["duration_s"], 4)    # -t wins over the preset's 2 minutes

    def test_unreachable_target_is_reported_as_errors(self):
        closed = TestServer()
        closed.stop()  # its port is now closed
        result = run_load(closed.url + "/", "-u", "2", "--iterations", "20", "-q", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = self.summary()
        self.assertEqual(summary["aggregate"]["requests"], 20)
        self.assertEqual(summary["aggregate"]["failures"], 20)
        self.assertTrue(any("refused" in json.dumps(error).lower() for error in summary["errors"]), summary["errors"])

    def test_statuses_resets_and_timeouts_are_grouped_by_kind(self):
        scenario = self.write("errors.yaml", """\
            users:
              - name: Errors
                tasks:
                  - {path: /status/500, name: five-hundred}
                  - {path: /reset, name: reset}
                  - {path: /hang, name: hang, timeout: 200ms}
            """)
        result = run_load("-f", scenario, "-H", self.server.url, "-u", "3", "--iterations", "30", "-q",
                          "--csv", self.path("run"), "-t", "20s")
        self.assertEqual(result.returncode, 0, result.stderr)
        failures = read_csv(self.path("run_failures.csv"))
        by_name = {row[1]: row for row in failures[1:]}
        self.assertIn("500", by_name["five-hundred"][2])
        self.assertIn("reset", by_name["reset"][2].lower())
        self.assertIn("timeout", by_name["hang"][2].lower())
        self.assertEqual(sum(int(row[3]) for row in failures[1:]), 30)


class OpenModelTest(LoadTestCase):
    def test_arrival_rate_is_kept_and_latency_is_corrected(self):
        result = run_load(self.server.url + "/delay/5", "--rate", "200", "-t", "2s", "-q",
                          "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = self.summary()
        self.assertTrue(summary["run"]["coordinated_omission_corrected"])
        self.assertGreaterEqual(summary["aggregate"]["requests"], 396)
        self.assertLessEqual(summary["aggregate"]["requests"], 401)
        p50 = summary["aggregate"]["latency_us"]["percentiles"]["p50"]
        self.assertGreaterEqual(p50, 5000)
        self.assertLess(p50, 15000)

    def test_burst_sends_n_requests_then_stops(self):
        before = self.server.counts().get("GET /", 0)
        result = run_load(self.server.url + "/", "--burst", "300/1s", "-q")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.server.counts()["GET /"] - before, 300)

    def test_in_flight_bound_drops_arrivals_beyond_the_backlog(self):
        result = run_load(self.server.url + "/hang", "--rate", "200", "--max-in-flight", "5", "--timeout", "5s",
                          "-t", "1s", "--stop-timeout", "100ms", "-q", "--json", self.path("run.json"))
        self.assertIn(result.returncode, (0, 130), result.stderr)
        self.assertIn("dropped", result.stdout)
        counters = self.summary()["counters"]
        self.assertGreater(counters["dropped"], 100)


class ScenarioFileTest(LoadTestCase):
    def test_weighted_tasks_extraction_polling_and_rate_limited_statuses(self):
        scenario = self.write("rag.yaml", """\
            host: http://127.0.0.1:1
            users:
              - name: Reader
                wait: 0
                tasks:
                  - name: fetch then use
                    weight: 3
                    requests:
                      - {path: /json, name: json, extract: {doc: /id}, check: {status: [200], json_has: [/answer]}}
                      - {path: "/echo?doc={{ vars.doc }}", name: echo, check: {contains: doc-42},
                         poll: {until: /method, in: [GET], interval: 10ms, max_tries: 3}}
                  - name: limited
                    weight: 1
                    requests:
                      - {path: /status/429, name: limited, rate_limited: [429]}
            """)
        result = run_load("-f", scenario, "-H", self.server.url, "-u", "2", "--iterations", "400", "-q",
                          "--json", self.path("run.json"), "--seed", "7")
        self.assertEqual(result.returncode, 0, result.stderr)
        endpoints = {e["name"]: e for e in self.summary()["endpoints"]}
        self.assertEqual(endpoints["json"]["requests"], endpoints["echo"]["requests"])
        self.assertEqual(endpoints["json"]["failures"], 0)
        self.assertEqual(endpoints["echo"]["failures"], 0)
        # Weights 3:1 over 400 tasks: 300 and 100, within sampling noise.
        self.assertAlmostEqual(endpoints["json"]["requests"], 300, delta=40)
        limited = endpoints["limited"]
        self.assertEqual(limited["rate_limited"], limited["requests"])
        self.assertEqual(limited["failures"], 0)
        counts = self.server.counts()
        self.assertGreaterEqual(counts.get("GET /echo", 0), endpoints["echo"]["requests"])

    def test_failed_check_marks_the_request_failed_with_its_message(self):
        scenario = self.write("check.yaml", """\
            users:
              - tasks:
                  - {path: /json, name: json, check: {contains: "not in the body"}}
            """)
        result = run_load("-f", scenario, "-H", self.server.url, "-u", "1", "--iterations", "5", "-q",
                          "--csv", self.path("run"))
        self.assertEqual(result.returncode, 0, result.stderr)
        failures = read_csv(self.path("run_failures.csv"))
        self.assertEqual(len(failures), 2, failures)
        self.assertIn("not in the body", failures[1][2])
        self.assertEqual(failures[1][3], "5")


class ShippedScenariosTest(LoadTestCase):
    def test_every_shipped_scenario_is_valid(self):
        folder = os.path.join(HERE, "..", "..", "scenarios")
        files = sorted(f for f in os.listdir(folder) if f.endswith(".yaml"))
        self.assertGreaterEqual(len(files), 11)
        for name in files:
            result = run_load("-f", os.path.join(folder, name), "--dry-run")
            self.assertEqual(result.returncode, 0, name + ": " + result.stderr)
            self.assertIn("nothing was sent", result.stdout)

    def test_dry_run_reports_bad_input_like_a_run(self):
        scenario = self.write("bad.yaml", "users:\n  - tasks: [{path: /}]\n    wait: 3s..1s\n")
        self.assert_bad_input(run_load("-f", scenario, "-H", self.server.url, "--dry-run"), "bad.yaml:3")


class ThresholdTest(LoadTestCase):
    def test_passing_and_failing_thresholds_set_the_exit_code(self):
        passing = run_load(self.server.url + "/", "-u", "2", "--iterations", "50", "-q",
                           "--threshold", "http_req_failed:rate<0.01", "--threshold", "http_req_duration:p(95)<500")
        self.assertEqual(passing.returncode, 0, passing.stdout + passing.stderr)
        self.assertIn("PASS", passing.stdout)
        failing = run_load(self.server.url + "/status/503", "-u", "2", "--iterations", "50", "-q",
                           "--threshold", "http_req_failed:rate<0.01")
        self.assertEqual(failing.returncode, 1, failing.stdout + failing.stderr)
        self.assertIn("FAIL", failing.stdout)

    def test_per_name_threshold_in_a_file(self):
        scenario = self.write("t.yaml", """\
            users:
              - tasks:
                  - {path: /delay/30, name: slow}
                  - {path: /, name: fast}
            thresholds:
              "http_req_duration{name:fast}": ["p(99)<25"]
            """)
        result = run_load("-f", scenario, "-H", self.server.url, "-u", "2", "--iterations", "20", "-q")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_abort_on_fail_stops_the_run_early(self):
        started = time.monotonic()
        result = run_load(self.server.url + "/status/500", "-u", "2", "-t", "30s", "--wait", "10ms", "-q",
                          "--threshold", "http_req_failed:rate<0.5;abort_on_fail;delay=1s")
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn("aborted", result.stdout.lower())
        self.assertRegex(result.stdout, r"after [\d.]+ s, at 2 users")


class SignalTest(LoadTestCase):
    def test_sigint_finishes_in_flight_requests_and_writes_results(self):
        process = subprocess.Popen([BIN, "load", self.server.url + "/delay/300", "-u", "4", "-r", "100", "-t", "60s", "-q",
                                    "--json", self.path("run.json")], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(1.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
        self.assertEqual(process.returncode, 130, err)
        summary = self.summary()
        # In-flight requests were finished, not dropped: every sent request was answered.
        self.assertEqual(summary["aggregate"]["failures"], 0)
        self.assertGreaterEqual(summary["aggregate"]["requests"], 12)
        self.assertIn("Aggregated", out)


class LocustCompatibilityTest(LoadTestCase):
    def test_csv_files_have_locusts_exact_headers_and_meanings(self):
        result = run_load(self.server.url + "/", "-u", "2", "-r", "2", "-t", "2s", "--wait", "5ms", "-q",
                          "--csv", self.path("ours"), "--csv-full-history")
        self.assertEqual(result.returncode, 0, result.stderr)
        ours = {kind: read_csv(self.path("ours_%s.csv" % kind))
                for kind in ("stats", "stats_history", "failures", "exceptions")}
        if not os.path.exists(LOCUST_PYTHON) or subprocess.run(
                [LOCUST_PYTHON, "-c", "import locust"], capture_output=True).returncode != 0:
            self.skipTest("Debian's python3-locust is not installed (make test-deps installs it)")
        locustfile = self.write("locustfile.py", """\
            from locust import FastHttpUser, constant, task

            class Reader(FastHttpUser):
                wait_time = constant(0.005)

                @task
                def index(self):
                    self.client.get("/")
            """)
        subprocess.run([LOCUST_PYTHON, "-m", "locust", "-f", locustfile, "--headless", "-u", "2", "-r", "2",
                        "-t", "2s", "--host", self.server.url, "--csv", self.path("locust"), "--csv-full-history",
                        "--only-summary"], capture_output=True, timeout=60, cwd=self.dir)
        for kind, rows in ours.items():
            theirs = read_csv(self.path("locust_%s.csv" % kind))
            self.assertEqual(rows[0], theirs[0], "header of _%s.csv" % kind)
        # Same row layout: one row per name plus Aggregated, same column meanings.
        stats = ours["stats"]
        self.assertEqual([row[1] for row in stats[1:]], ["/", "Aggregated"])
        header = stats[0]
        aggregated = dict(zip(header, stats[-1]))
        self.assertEqual(aggregated["Type"], "")
        self.assertEqual(aggregated["Failure Count"], "0")
        self.assertGreater(int(aggregated["Request Count"]), 100)
        self.assertLessEqual(float(aggregated["50%"]), float(aggregated["100%"]))
        history = ours["stats_history"]
        self.assertGreaterEqual(len(history), 3)
        self.assertTrue(all(len(row) == len(history[0]) for row in history))

    def test_csv_integer_columns_read_with_int_as_the_seeds_code_does(self):
        # Sub-millisecond answers: exactly where decimals like 0.075 used to break int().
        result = run_load(self.server.url + "/", "-u", "2", "-r", "2", "-t", "2s", "--wait", "5ms", "-q",
                          "--csv", self.path("run"), "--csv-full-history", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.path("run_stats.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            percentiles = [int(row[p]) for p in ("50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%",
                                                 "99.9%", "99.99%", "100%")]
            self.assertEqual(percentiles, sorted(percentiles), row)
            int(row["Median Response Time"])
            # Locust's floats stay floats.
            float(row["Average Response Time"]), float(row["Min Response Time"]), float(row["Max Response Time"])
        with open(self.path("run_stats_history.csv"), newline="") as f:
            history = list(csv.DictReader(f))
        self.assertGreaterEqual(len(history), 2)
        for row in history:
            if row["95%"] != "N/A":
                int(row["50%"]), int(row["95%"]), int(row["99%"]), int(row["100%"])
            int(row["Total Median Response Time"])
        # The JSON keeps the exact microseconds; the CSV holds them rounded to whole ms.
        aggregate = self.summary()["aggregate"]["latency_us"]
        aggregated = [row for row in rows if row["Name"] == "Aggregated"][0]
        self.assertLessEqual(abs(int(aggregated["95%"]) - aggregate["percentiles"]["p95"] / 1000), 0.5)

    def test_csv_precise_keeps_decimals(self):
        result = run_load(self.server.url + "/delay/3", "-u", "2", "-r", "2", "-t", "1s", "-q",
                          "--csv", self.path("run"), "--csv-precise")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.path("run_stats.csv"), newline="") as f:
            aggregated = [row for row in csv.DictReader(f) if row["Name"] == "Aggregated"][0]
        self.assertIn(".", aggregated["95%"])
        self.assertGreaterEqual(float(aggregated["95%"]), 3.0)


class BadInputTest(LoadTestCase):
    def test_bad_flags_urls_and_durations_get_one_clear_line(self):
        self.assert_bad_input(run_load("http://127.0.0.1:1/", "-u", "many"), "-u")
        self.assert_bad_input(run_load("http://127.0.0.1:1/", "-t", "10 minutes"), "10 minutes")
        self.assert_bad_input(run_load("ftp://example/"), "ftp://example/")
        self.assert_bad_input(run_load("http://127.0.0.1:1/", "--no-such-flag"), "--no-such-flag")
        self.assert_bad_input(run_load("http://127.0.0.1:1/", "--threshold", "latency<5"), "latency<5")
        self.assert_bad_input(run_load(), "no target")

    def test_bad_scenario_files_name_the_file_and_line(self):
        unknown = self.write("unknown.yaml", """\
            users:
              - name: A
                tasks: [{path: /}]
                wiat: 1s
            """)
        self.assert_bad_input(run_load("-f", unknown, "-H", self.server.url), "unknown.yaml:4", "wiat", "wait")
        duration = self.write("duration.yaml", """\
            users:
              - tasks: [{path: /, check: {max_latency: soon}}]
            """)
        self.assert_bad_input(run_load("-f", duration, "-H", self.server.url), "duration.yaml:2", "soon")
        data = self.write("data.yaml", """\
            data:
              questions: {file: missing-questions.txt}
            users:
              - tasks: [{path: "/q?{{ pick(questions) }}"}]
            """)
        self.assert_bad_input(run_load("-f", data, "-H", self.server.url), "missing-questions.txt")
        self.assert_bad_input(run_load("-f", self.path("absent.yaml")), "absent.yaml")
        broken = self.write("broken.yaml", "users: [\n")
        self.assert_bad_input(run_load("-f", broken), "broken.yaml")

    def test_unwritable_output_is_refused_before_the_run(self):
        started = time.monotonic()
        result = run_load(self.server.url + "/", "-t", "20s", "--csv", "/nonexistent-dir/run")
        self.assert_bad_input(result, "/nonexistent-dir")
        self.assertLess(time.monotonic() - started, 5)


class NginxTest(LoadTestCase):
    """Against nginx, where installed: its access log counts what the generator sent."""

    def test_every_request_sent_is_logged_by_nginx_once(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(nginx):
            self.skipTest("nginx is not installed (make test-deps installs nginx-light)")
        probe = TestServer()  # borrow a free port
        probe.stop()
        config = self.write("nginx.conf", """\
            worker_processes 1;
            daemon off;
            pid %(dir)s/nginx.pid;
            error_log %(dir)s/error.log;
            events { worker_connections 1024; }
            http {
              access_log %(dir)s/access.log;
              server {
                listen 127.0.0.1:%(port)d;
                location / { return 200 'ok'; }
              }
            }
            """ % {"dir": self.dir, "port": probe.port})
        process = subprocess.Popen([nginx, "-c", config, "-p", self.dir], stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", probe.port, timeout=1)
                    conn.request("GET", "/ready-probe")
                    conn.getresponse().read()
                    conn.close()
                    break
                except OSError:
                    time.sleep(0.05)
            result = run_load(probe.url + "/load", "-u", "16", "--iterations", "2000", "-q",
                              "--json", self.path("run.json"))
            self.assertEqual(result.returncode, 0, result.stderr)
        finally:
            process.terminate()
            process.wait(timeout=10)
        with open(self.path("access.log")) as f:
            logged = sum(1 for line in f if "GET /load " in line)
        self.assertEqual(logged, 2000)
        self.assertEqual(self.summary()["aggregate"]["requests"], 2000)


CHAT_STEP = """\
    users:
      - wait: 0
        tasks:
          - path: /v1/chat/completions
            name: chat
            method: POST
            json: {model: m, messages: [{role: user, content: hi}], max_tokens: 2}
            retry: %s
    """


def sim_attempts(sim):
    """How many chat requests the sim answered, whatever their status."""
    _, metrics = sim.request("GET", "/metrics")
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in metrics.decode().splitlines()
               if line.startswith('ragscale_sim_requests_total{endpoint="chat"'))


class RetryTest(LoadTestCase):
    """retry: in a scenario, against the real sim: each attempt is counted in `retries`, the final
    outcome once in the statistics."""

    def run_chat(self, sim, retry, *args):
        scenario = self.write("retry.yaml", CHAT_STEP % retry)
        return run_load("-f", scenario, "-H", sim.url, "-q", "--json", self.path("run.json"), *args)

    def test_retries_of_injected_503s_succeed_and_every_attempt_is_counted(self):
        with Sim("--ttft", "1ms", "--itl", "1ms", "--error-rate", "0.5", "--error-status", "503") as sim:
            result = self.run_chat(sim, "{attempts: 10, backoff: 1ms..5ms, retry_after: false, on: [503]}",
                                   "-u", "4", "--iterations", "200", "-t", "60s")
            self.assertEqual(result.returncode, 0, result.stderr)
            attempts = sim_attempts(sim)
        chat = self.summary()["endpoints"][0]
        # Without retries about half would fail; with up to 10 attempts each, 0.5^10 of them.
        self.assertEqual(chat["requests"], 200)
        self.assertLessEqual(chat["failures"], 3)
        self.assertGreater(chat["retries"], 120)  # about one per request
        self.assertLess(chat["retries"], 300)
        self.assertEqual(self.summary()["aggregate"]["retries"], chat["retries"])
        # Every request the sim saw is one final outcome or one retry.
        self.assertEqual(attempts, chat["requests"] + chat["retries"])
        self.assertIn("Retries", result.stdout)

    def test_rate_limited_retries_wait_for_retry_after(self):
        # 60 requests per minute: the first 60 pass at once, then one a second with "Retry-After: 1".
        with Sim("--ttft", "1ms", "--itl", "1ms", "--rpm", "60") as sim:
            result = self.run_chat(sim, "{attempts: 3, backoff: 10ms..1500ms, on: [429]}",
                                   "-u", "4", "-r", "4", "-t", "4s")
            attempts = sim_attempts(sim)
        chat = self.summary()["endpoints"][0]
        self.assertGreater(chat["retries"], 0, result.stdout)
        self.assertEqual(attempts, chat["requests"] + chat["retries"])
        # A retried request waited the server's 1 s (its backoff alone would be 10-20 ms) and is
        # timed from its first attempt.
        self.assertGreaterEqual(chat["latency_us"]["max"], 950_000)
        self.assertLess(chat["latency_us"]["max"], 3_500_000)

    def test_connection_failures_are_retried_then_fail_once(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        scenario = self.write("retry.yaml", CHAT_STEP % "{attempts: 3, backoff: 5ms, on: [connect]}")
        result = run_load("-f", scenario, "-H", "http://127.0.0.1:%d" % closed_port, "-q", "-u", "1",
                          "--iterations", "1", "-t", "20s", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        chat = self.summary()["endpoints"][0]
        self.assertEqual((chat["requests"], chat["failures"], chat["retries"]), (1, 1, 2))
        self.assertEqual(self.summary()["errors"][0]["kind"], "connection_refused")

    def test_a_stop_during_the_backoff_records_the_last_attempt(self):
        with Sim("--ttft", "1ms", "--itl", "1ms", "--error-rate", "1", "--error-status", "503") as sim:
            scenario = self.write("retry.yaml", CHAT_STEP % "{attempts: 3, backoff: 20s, jitter: none, "
                                                            "retry_after: false}")
            process = subprocess.Popen([BIN, "load", "-f", scenario, "-H", sim.url, "-q", "-u", "1", "-t", "60s",
                                        "--json", self.path("run.json")], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            time.sleep(2.0)  # the user starts within the first second, fails at once, then waits 20 s
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=15)
            attempts = sim_attempts(sim)
        self.assertEqual(process.returncode, 130, err)
        chat = self.summary()["endpoints"][0]
        # The retry was never sent: one attempt, one failed request, no retry.
        self.assertEqual((attempts, chat["requests"], chat["failures"], chat["retries"]), (1, 1, 1, 0))
        self.assertEqual(self.summary()["errors"][0]["message"], "HTTP 503")


if __name__ == "__main__":
    unittest.main()
