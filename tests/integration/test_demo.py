"""Integration test for `ragscale demo --quick`: the whole stack starts, is loaded, reports
and stops again, leaving no process behind.

How fast a machine answers is not the demo's to promise: a busy CI host may miss the
smoke test's 1 s p95, so failed latency thresholds (http_req_duration) are excused. No
other failed threshold is: a demo whose requests fail has failed, however slow the host.
The verdict is read from the JSON summaries the demo writes, not from its exit code alone.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("RAGSCALE_BIN", os.path.join(HERE, "..", "..", "build", "ragscale"))
TESTSERVER = os.environ.get("RAGSCALE_TESTSERVER", os.path.join(HERE, "..", "..", "build", "ragscale-testserver"))
REPO = os.path.join(HERE, "..", "..")
STAGES = ("smoke", "load")
# Metrics whose thresholds only say how fast the machine was.
LATENCY_METRICS = {"http_req_duration"}


def threshold_metric(expression):
    """'http_req_duration{name:/query}: p(95)<2000' -> 'http_req_duration'."""
    match = re.match(r"\s*([A-Za-z_]+)", expression)
    return match.group(1) if match else expression


def judge_demo(exit_code, summaries):
    """What is wrong with a demo run that a slow machine does not excuse, as a list of
    sentences (empty: the demo did its job). `summaries` maps each stage to its JSON
    summary (None when the stage wrote none)."""
    problems = []
    if exit_code not in (0, 1):
        problems.append("exit code %d: the demo did not run to a verdict" % exit_code)
    latency_misses = 0
    for stage in STAGES:
        summary = summaries.get(stage)
        if summary is None:
            problems.append("%s: no JSON summary" % stage)
            continue
        thresholds = summary["run"]["thresholds"]
        if not thresholds:
            problems.append("%s: no threshold was judged" % stage)
        if summary["aggregate"]["requests"] == 0:
            problems.append("%s: no request was made" % stage)
        for threshold in thresholds:
            latency = threshold_metric(threshold["expression"]) in LATENCY_METRICS
            if latency:
                latency_misses += 0 if threshold["passed"] else 1
            elif not threshold["passed"]:
                problems.append("%s: threshold '%s' failed (observed %s)" % (
                    stage, threshold["expression"], threshold["observed"]))
            elif not threshold["has_data"]:
                problems.append("%s: threshold '%s' had nothing to judge" % (stage, threshold["expression"]))
    if exit_code == 0 and latency_misses:
        problems.append("exit code 0 although %d latency threshold(s) failed" % latency_misses)
    if exit_code == 1 and not latency_misses and not problems:
        problems.append("exit code 1 although every threshold held")
    return problems


def read_summaries(out):
    summaries = {}
    for stage in STAGES:
        path = os.path.join(out, stage + ".json")
        if os.path.exists(path):
            with open(path) as f:
                summaries[stage] = json.load(f)
        else:
            summaries[stage] = None
    return summaries


def processes_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


class DemoTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="ragscale-demo-test-")

    def tearDown(self):
        shutil.rmtree(self.out, ignore_errors=True)

    def test_quick_demo_runs_the_stack_end_to_end_and_cleans_up(self):
        result = subprocess.run([BIN, "demo", "--quick", "--out", self.out], capture_output=True, text=True,
                                timeout=180, cwd=REPO)
        output = result.stdout[-3000:] + result.stderr[-3000:]
        self.assertEqual(judge_demo(result.returncode, read_summaries(self.out)), [], output)
        self.assertIn("51 of 51 documents ready", result.stdout)
        self.assertRegex(result.stdout, r"smoke test  (PASS|FAIL)")
        self.assertRegex(result.stdout, r"load test   (PASS|FAIL)")
        self.assertEqual(result.returncode == 0, "FAIL" not in result.stdout.split("Verdict")[-1])
        self.assertNotIn("ERROR", result.stdout.split("Verdict")[-1])
        for name in ("smoke.html", "load.html", "smoke.json", "load.json", "load_stats.csv", "load_stats_history.csv",
                     "serve.log", "sim.log"):
            self.assertTrue(os.path.exists(os.path.join(self.out, name)), name)
        with open(os.path.join(self.out, "load.json")) as f:
            summary = json.load(f)
        names = {e["name"] for e in summary["endpoints"]}
        self.assertTrue({"/query", "/api/v1/search", "/api/v1/documents/upload", "/health"} <= names, names)
        self.assertEqual(processes_mentioning(self.out), [])

    def test_interrupted_demo_stops_everything_it_started(self):
        process = subprocess.Popen([BIN, "demo", "--quick", "--out", self.out], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, cwd=REPO, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline and not os.path.exists(os.path.join(self.out, "smoke_stats.csv")):
            time.sleep(0.1)
        time.sleep(1)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 130, output[-3000:])
        self.assertEqual(processes_mentioning(self.out), [])


def threshold(expression, passed, observed=0.0):
    return {"expression": expression, "passed": passed, "has_data": True, "observed": observed}


def summary_with(*thresholds):
    return {"run": {"thresholds": list(thresholds)}, "aggregate": {"requests": 100}}


class DemoJudgementTest(unittest.TestCase):
    """The judging of the demo test itself: it must not let failing requests pass."""

    def test_only_latency_thresholds_are_excused(self):
        slow = {"smoke": summary_with(threshold("http_req_failed: rate==0", True),
                                      threshold("http_req_duration: p(95)<1000", False, 1450.0)),
                "load": summary_with(threshold("http_req_failed: rate<0.01", True),
                                     threshold("http_req_duration{name:/query}: p(95)<2000", False, 2600.0))}
        self.assertEqual(judge_demo(1, slow), [])
        failing = {"smoke": summary_with(threshold("http_req_failed: rate==0", False, 1.0),
                                         threshold("http_req_duration: p(95)<1000", True, 20.0)),
                   "load": slow["load"]}
        self.assertEqual(judge_demo(1, failing), ["smoke: threshold 'http_req_failed: rate==0' failed (observed 1.0)"])
        self.assertNotEqual(judge_demo(0, slow), [])  # a latency miss must show in the exit code
        self.assertNotEqual(judge_demo(2, slow), [])
        self.assertNotEqual(judge_demo(1, {"smoke": slow["smoke"], "load": None}), [])

    def test_a_stage_whose_every_request_fails_fails_the_demo(self):
        # The demo's own smoke scenario against a server that answers every route with a
        # 500, so every /query fails, quickly: the summaries are real ones, written by the
        # same command the demo runs.
        server = subprocess.Popen([TESTSERVER, "--port", "0", "--status", "500"], stdout=subprocess.PIPE, text=True)
        try:
            port = int(re.search(r"listening on (\d+)", server.stdout.readline()).group(1))
            out = tempfile.mkdtemp(prefix="ragscale-demo-judge-")
            self.addCleanup(shutil.rmtree, out, True)
            for stage in STAGES:
                result = subprocess.run([BIN, "load", "-f", os.path.join(REPO, "scenarios", "smoke.yaml"),
                                         "-H", "http://127.0.0.1:%d" % port, "-u", "4", "-r", "4", "-t", "2s",
                                         "-q", "--json", os.path.join(out, stage + ".json")],
                                        capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)  # a threshold failed
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stdout.close()
        summaries = read_summaries(out)
        self.assertEqual(summaries["smoke"]["aggregate"]["failures"], summaries["smoke"]["aggregate"]["requests"])
        problems = judge_demo(1, summaries)
        self.assertTrue(any("http_req_failed" in problem for problem in problems), problems)


if __name__ == "__main__":
    unittest.main()
