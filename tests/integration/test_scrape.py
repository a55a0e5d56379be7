"""Integration tests for `ragscale load --scrape URL`: the metrics of a real ragscale serve
and the sim behind it, sampled during a run into the JSON summary (gauges, counters as
rates, histograms as percentiles), the generator's own CPU use, an unreachable target, and
a bad URL refused before the run.

The binary comes from $RAGSCALE_BIN.
"""
import json
import os
import shutil
import subprocess
import tempfile

from processes import BIN, ProcessesTestCase, Serve, Sim


class ScrapeTest(ProcessesTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="ragscale-scrape-test-")

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.dir, ignore_errors=True)

    def load(self, *args):
        return subprocess.run([BIN, "load", "-q", *args], capture_output=True, text=True, timeout=60)

    def test_serve_and_sim_metrics_are_sampled_into_the_summary(self):
        sim = self.start(Sim("--ttft", "30ms", "--itl", "2ms", "--output-tokens", "8"))
        serve = self.start(Serve("--llm-url", sim.url))
        summary_path = os.path.join(self.dir, "run.json")
        scenario = os.path.join(self.dir, "ask.yaml")
        with open(scenario, "w") as f:
            f.write("users:\n  - tasks:\n      - {method: POST, path: /query, "
                    "json: {question: 'what do circuit breakers do? {{ uuid() }}'}}\n")
        result = self.load("-f", scenario, "-H", "http://127.0.0.1:%d" % serve.port, "-u", "4", "-t", "4s",
                           "--scrape", "http://127.0.0.1:%d/metrics" % serve.port,
                           "--scrape", sim.url + "/metrics", "--scrape-interval", "500ms", "--json", summary_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(summary_path) as f:
            scraped = {target["url"]: target for target in json.load(f)["scrape"]}
        self.assertEqual(set(scraped), {"generator", "http://127.0.0.1:%d/metrics" % serve.port, sim.url + "/metrics"})
        generator = scraped["generator"]["series"]["ragscale_load_cpu_cores"]
        self.assertGreaterEqual(len(generator), 5)
        self.assertTrue(all(0 <= value < 8 for _, value in generator))
        serve_series = scraped["http://127.0.0.1:%d/metrics" % serve.port]
        self.assertGreaterEqual(serve_series["scrapes"], 7)
        self.assertEqual(serve_series["failures"], 0)
        self.assertEqual(serve_series["problems"], 0)
        rates = serve_series["series"]['ragscale_requests_total{route="/query",status="200"}']
        self.assertGreater(max(value for _, value in rates), 5)  # answers per second during the run
        self.assertIn('ragscale_request_duration_seconds:p95{route="/query"}', serve_series["series"])
        sim_series = scraped[sim.url + "/metrics"]["series"]
        self.assertIn("ragscale_sim_active_generations", sim_series)
        times = [t for t, _ in sim_series["ragscale_sim_active_generations"]]
        self.assertEqual(times, sorted(times))
        # The report still reads the summary.
        report = subprocess.run([BIN, "report", summary_path, "-o", os.path.join(self.dir, "r.html")],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(report.returncode, 0, report.stderr)

    def test_an_unreachable_target_is_counted_and_named_not_fatal(self):
        sim = self.start(Sim("--ttft", "5ms", "--itl", "1ms", "--output-tokens", "3"))
        summary_path = os.path.join(self.dir, "run.json")
        result = self.load("--openai", sim.url, "--model", "m", "-u", "2", "-t", "2s",
                           "--scrape", "http://127.0.0.1:9/metrics", "--json", summary_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("--scrape http://127.0.0.1:9/metrics: no scrape answered", result.stderr)
        with open(summary_path) as f:
            target = [t for t in json.load(f)["scrape"] if t["url"] != "generator"][0]
        self.assertEqual(target["scrapes"], 0)
        self.assertGreater(target["failures"], 0)
        self.assertIn("refused", target["last_failure"])

    def test_a_bad_scrape_url_is_bad_input(self):
        for url, fragment in [("ftp://x/metrics", "--scrape ftp://x/metrics"),
                              ("https://127.0.0.1/metrics", "only http://")]:
            result = self.load("http://127.0.0.1:9/", "-u", "1", "-t", "1s", "--scrape", url)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn(fragment, result.stderr)
        result = self.load("http://127.0.0.1:9/", "-u", "1", "-t", "1s", "--scrape", "http://127.0.0.1:9/m",
                           "--scrape-interval", "10ms")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--scrape-interval", result.stderr)
