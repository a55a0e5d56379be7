"""Integration tests for the HTML report: `ragscale load --html` and `ragscale report`.

A short load run against ragscale-testserver writes a JSON summary and a report; the
report is opened in Debian's headless Chromium, which runs its scripts; the rendered DOM
must show charts that were actually drawn and the same numbers as the JSON summary. The
report's diagnosis must read as `ragscale diagnose` prints it, and a run that scraped
ragscale serve and sim (--scrape) must chart their metrics on the load charts' time axis.
"""
import html.parser
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

from chromium import CHROMIUM, Chromium
from processes import ProcessesTestCase, Serve, Sim

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("RAGSCALE_BIN", os.path.join(HERE, "..", "..", "build", "ragscale"))
TESTSERVER = os.environ.get("RAGSCALE_TESTSERVER", os.path.join(HERE, "..", "..", "build", "ragscale-testserver"))


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def format_ms(microseconds):
    """The console report's (and the page's) milliseconds with three significant digits."""
    ms = microseconds / 1000 if microseconds > 0 else 0.0
    decimals = 3
    for candidate in range(3):
        scale = 10 ** candidate
        if math.floor(ms * scale + 0.5) / scale >= 10 ** (2 - candidate):
            decimals = candidate
            break
    return "%.*f" % (decimals, ms)


class RenderedPage(html.parser.HTMLParser):
    """Collects what the tests look at from Chromium's dump of the rendered DOM."""

    def __init__(self):
        super().__init__()
        self.body = {}
        self.charts = {}        # id -> data-inked
        self.canvases = []      # (width, height)
        self.rows = {}          # data-name -> {cell class: text}
        self.threshold_results = []
        self._row = None
        self._cell = None
        self._text = ""
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        elif tag == "div" and "chart" in (attrs.get("class") or ""):
            self.charts[attrs.get("id")] = int(attrs.get("data-inked", "0"))
        elif tag == "canvas":
            self.canvases.append((int(attrs.get("width", 0)), int(attrs.get("height", 0))))
        elif tag == "table":
            self._table = attrs.get("id")
        elif tag == "tr" and self._table == "requests" and "data-name" in attrs:
            self._row = attrs["data-name"]
            self.rows[self._row] = {}
        elif tag == "td":
            self._cell = attrs.get("class") or ""
            self._text = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            if self._table == "requests" and self._row is not None:
                for name in self._cell.split():
                    self.rows[self._row][name] = self._text
            elif self._table == "thresholds" and self._text in ("PASS", "FAIL"):
                self.threshold_results.append(self._text)
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None


def render_in_chromium(test, report, workdir):
    """Opens `report` in headless Chromium, which runs its scripts; returns the RenderedPage of
    the resulting DOM and the DOM's text. Skips `test` when Chromium is not installed."""
    browser = chromium()
    if browser is None:
        test.skipTest("Chromium is not installed (make test-deps installs it)")
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
         "--window-size=1280,2000", "--virtual-time-budget=10000", "--dump-dom", "file://" + report],
        capture_output=True, text=True, timeout=90)
    test.assertEqual(result.returncode, 0, result.stderr[-2000:])
    page = RenderedPage()
    page.feed(result.stdout)
    return page, result.stdout


# What the report page shows of the diagnosis and of its charts over time, read in the page.
PAGE_STATE = """JSON.stringify({
  availability: document.getElementById("availability").textContent,
  none: document.getElementById("no-bottleneck").hidden ? null : document.getElementById("no-bottleneck").textContent,
  findings: [...document.querySelectorAll("#findings .finding")].map(f => ({ruleId: f.dataset.rule,
    title: f.querySelector("h3").textContent, rule: f.querySelector(".rule").textContent,
    evidence: [...f.querySelectorAll("li")].map(li => li.textContent),
    advice: f.querySelector(".advice").textContent})),
  diagnosisShown: !document.getElementById("diagnosis-section").hidden,
  targetShown: !document.getElementById("target-section").hidden,
  charts: [...document.querySelectorAll(".chart")].filter(c => c.querySelector("canvas")).map(c => {
    const plot = c.querySelector(".u-over").getBoundingClientRect();
    return {id: c.id, metric: c.dataset.metric || null, target: c.dataset.target || null,
            xMin: Number(c.dataset.xMin), xMax: Number(c.dataset.xMax), inked: Number(c.dataset.inked || 0),
            plotLeft: plot.left, plotWidth: plot.width};
  }),
})"""


def diagnosis_text(page):
    """The diagnosis as the page shows it, laid out as `ragscale diagnose` prints it."""
    text = page["availability"] + "\n"
    if page["none"] is not None:
        return text + page["none"] + "\n"
    for finding in page["findings"]:
        text += "\n" + finding["title"] + "  " + finding["rule"] + "\n"
        text += "".join("   - " + line + "\n" for line in finding["evidence"])
        text += "   " + finding["advice"] + "\n"
    return text


def open_report(test, report):
    """The report's PAGE_STATE once its script has drawn every chart."""
    if CHROMIUM is None:
        test.skipTest("Chromium is not installed (make test-deps installs it)")
    with Chromium("file://" + report, height=2000) as browser:
        browser.wait_for("document.body.dataset.charted === 'true'")
        return json.loads(browser.evaluate(PAGE_STATE))


def assert_diagnosis_as_diagnose_prints_it(test, summary_path, page):
    diagnose = subprocess.run([BIN, "diagnose", summary_path], capture_output=True, text=True, timeout=30)
    test.assertEqual(diagnose.returncode, 0, diagnose.stderr)
    test.assertTrue(page["diagnosisShown"])
    test.assertEqual(diagnosis_text(page), diagnose.stdout)


def assert_charts_share_the_run_axis(test, page, duration_s):
    """Every chart over time spans the run, from 0 to its end, on one plot width and offset,
    so a second is at the same place on each."""
    test.assertTrue(page["charts"])
    for chart in page["charts"]:
        test.assertEqual(chart["xMin"], 0, chart)
        test.assertAlmostEqual(chart["xMax"], duration_s, delta=1.0, msg=chart)
        test.assertEqual((chart["xMin"], chart["xMax"]), (page["charts"][0]["xMin"], page["charts"][0]["xMax"]), chart)
        test.assertEqual((chart["plotLeft"], chart["plotWidth"]),
                         (page["charts"][0]["plotLeft"], page["charts"][0]["plotWidth"]), chart)


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ragscale-report-test-")
        server = subprocess.Popen([TESTSERVER, "--port", "0"], stdout=subprocess.PIPE, text=True)
        try:
            port = int(re.search(r"listening on (\d+)", server.stdout.readline()).group(1))
            scenario = os.path.join(cls.dir, "mix.yaml")
            with open(scenario, "w") as f:
                f.write("users:\n"
                        "  - wait: 5ms..20ms\n"
                        "    tasks:\n"
                        "      - {path: /json, name: json, weight: 3}\n"
                        "      - {path: /status/503, name: unavailable}\n")
            cls.run_result = subprocess.run(
                [BIN, "load", "-f", scenario, "-H", "http://127.0.0.1:%d" % port, "-u", "6", "-r", "20", "-t", "3s",
                 "-q", "--threshold", "http_req_duration:p(95)<500", "--threshold", "http_req_failed:rate<0.01",
                 "--json", cls.path("run.json"), "--html", cls.path("load.html")],
                capture_output=True, text=True, timeout=60)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
            server.stdout.close()
        with open(cls.path("run.json")) as f:
            cls.summary = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    def render(self, report):
        return render_in_chromium(self, report, self.dir)[0]

    def assert_report_matches_summary(self, page):
        self.assertEqual(page.body.get("data-rendered"), "true", "the page script did not finish")
        self.assertEqual(page.body.get("data-charted"), "true", "the charts were not drawn")
        # The streamed-answer charts are on the page too, left empty (and hidden) by a run without streams.
        drawn = {chart: inked for chart, inked in page.charts.items() if inked > 0}
        self.assertEqual(set(drawn), {"chart-users", "chart-rps", "chart-latency"})
        for chart, inked in drawn.items():
            self.assertGreater(inked, 1000, "%s is blank" % chart)
        self.assertEqual(len(page.canvases), 3)
        for width, height in page.canvases:
            self.assertGreater(width, 0)
            self.assertGreater(height, 0)
        expected = {e["name"]: e for e in self.summary["endpoints"]}
        expected["Aggregated"] = self.summary["aggregate"]
        self.assertEqual(set(page.rows), set(expected))
        for name, entry in expected.items():
            row = page.rows[name]
            self.assertEqual(row["requests"], str(entry["requests"]), name)
            self.assertEqual(row["failures"], str(entry["failures"]), name)
            self.assertEqual(row["p95"], format_ms(entry["latency_us"]["percentiles"]["p95"]), name)
            self.assertEqual(row["max"], format_ms(entry["latency_us"]["max"]), name)
        verdicts = ["PASS" if t["passed"] else "FAIL" for t in self.summary["run"]["thresholds"]]
        self.assertEqual(page.threshold_results, verdicts)

    def test_run_failed_its_error_threshold(self):
        self.assertEqual(self.run_result.returncode, 1, self.run_result.stdout + self.run_result.stderr)
        self.assertEqual([t["passed"] for t in self.summary["run"]["thresholds"]], [True, False])

    def test_report_written_by_load_renders_the_run(self):
        self.assert_report_matches_summary(self.render(self.path("load.html")))

    def test_report_rendered_from_the_json_summary(self):
        result = subprocess.run([BIN, "report", self.path("run.json"), "-o", self.path("report.html")],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("report.html", result.stdout)
        self.assert_report_matches_summary(self.render(self.path("report.html")))

    def test_a_streamed_run_charts_ttft_itl_and_tokens(self):
        sim = Sim("--ttft", "50ms", "--itl", "5ms", "--output-tokens", "20")
        try:
            result = subprocess.run([BIN, "load", "--openai", sim.url, "--model", "m", "-u", "4", "-t", "3s", "-q",
                                     "--html", self.path("llm.html")], capture_output=True, text=True, timeout=60)
        finally:
            sim.stop()
        self.assertEqual(result.returncode, 0, result.stderr)
        page = self.render(self.path("llm.html"))
        self.assertEqual(page.body.get("data-charted"), "true", "the charts were not drawn")
        for chart in ("chart-ttft", "chart-itl", "chart-tokens", "chart-users", "chart-rps", "chart-latency"):
            self.assertGreater(page.charts.get(chart, 0), 1000, "%s is blank" % chart)
        self.assertEqual(len(page.canvases), 6)

    def test_a_run_without_scrape_has_a_diagnosis_and_no_target_metrics(self):
        report = self.path("diagnosed.html")
        result = subprocess.run([BIN, "report", self.path("run.json"), "-o", report], capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        page = open_report(self, report)
        assert_diagnosis_as_diagnose_prints_it(self, self.path("run.json"), page)
        # A quarter of the requests got a 503: the diagnosis names the bursts of errors.
        self.assertIn("error_bursts", [f["ruleId"] for f in page["findings"]])
        self.assertFalse(page["targetShown"])
        self.assertEqual({c["id"] for c in page["charts"]}, {"chart-users", "chart-rps", "chart-latency"})
        assert_charts_share_the_run_axis(self, page, self.summary["run"]["duration_s"])

    def test_bad_input_gets_one_clear_line(self):
        cases = [
            ([self.path("missing.json"), "-o", self.path("x.html")], "missing.json"),
            ([self.path("run.json")], "-o"),
            ([self.path("run.json"), "-o", "/nonexistent-folder/r.html"], "/nonexistent-folder/r.html"),
        ]
        with open(self.path("bad.json"), "w") as f:
            f.write('{"format": "something else"}')
        cases.append(([self.path("bad.json"), "-o", self.path("x.html")], "$.format"))
        for args, fragment in cases:
            result = subprocess.run([BIN, "report", *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 2, args)
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertIn(fragment, lines[0])


class ScrapedRunReportTest(ProcessesTestCase):
    """A run against ragscale serve in front of ragscale sim, both scraped."""

    def test_target_metrics_are_charted_on_the_load_charts_axis_beside_the_diagnosis(self):
        self.dir = tempfile.mkdtemp(prefix="ragscale-report-scrape-test-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        sim = self.start(Sim("--ttft", "30ms", "--itl", "2ms", "--output-tokens", "8"))
        serve = self.start(Serve("--llm-url", sim.url))
        scenario = os.path.join(self.dir, "ask.yaml")
        with open(scenario, "w") as f:
            f.write("users:\n  - wait: 10ms..20ms\n    tasks:\n      - {method: POST, path: /query, "
                    "json: {question: 'what do circuit breakers do? {{ randint(1, 1000000) }}'}}\n")
        summary_path = os.path.join(self.dir, "run.json")
        serve_metrics = "http://127.0.0.1:%d/metrics" % serve.port
        result = subprocess.run(
            [BIN, "load", "-q", "-f", scenario, "-H", "http://127.0.0.1:%d" % serve.port, "--stage", "2s:2",
             "--stage", "4s:6", "--scrape", serve_metrics, "--scrape", sim.url + "/metrics", "--json", summary_path],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = os.path.join(self.dir, "report.html")
        result = subprocess.run([BIN, "report", summary_path, "-o", report], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(summary_path) as f:
            summary = json.load(f)

        page = open_report(self, report)
        assert_diagnosis_as_diagnose_prints_it(self, summary_path, page)
        self.assertTrue(page["targetShown"])
        targets = [c for c in page["charts"] if c["id"].startswith("target-chart-")]
        self.assertLessEqual(len(targets), 12)
        charted = {(c["target"], c["metric"]) for c in targets}
        for expected in [("generator", "ragscale_load_cpu_cores"),
                         (serve_metrics, "process_resident_memory_bytes"),
                         (serve_metrics, "ragscale_in_flight_requests"),
                         (sim.url + "/metrics", "ragscale_sim_active_generations, ragscale_sim_generation_slots")]:
            self.assertIn(expected, charted)
        for chart in targets:
            self.assertGreater(chart["inked"], 1000, "%s is blank" % chart["metric"])
        load_charts = {c["id"] for c in page["charts"]} - {c["id"] for c in targets}
        self.assertEqual(load_charts, {"chart-users", "chart-rps", "chart-latency"})
        assert_charts_share_the_run_axis(self, page, summary["run"]["duration_s"])


if __name__ == "__main__":
    unittest.main()
