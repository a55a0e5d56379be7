"""Integration tests for `ragscale diagnose`: a run against ragscale serve in front of a sim
with few generation slots, scraped with --scrape, is diagnosed as a throughput plateau with
the model's slots full; a healthy light run gets no finding; the scraped series include the
targets' process figures, serve's worker pool and model calls in flight and the generator's
event-loop lag; a scraped run prints its diagnosis at its end (not with -q); bad input is
exit 2.

The binary comes from $RAGSCALE_BIN.
"""
import json
import os
import shutil
import subprocess
import tempfile

from processes import BIN, ProcessesTestCase, Serve, Sim

ASK = ("users:\n  - tasks:\n      - {method: POST, path: /query, "
       "json: {question: 'what do circuit breakers do? {{ randint(1, 1000000) }}'}}\n")


class DiagnoseTest(ProcessesTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="ragscale-diagnose-test-")
        self.scenario = os.path.join(self.dir, "ask.yaml")
        with open(self.scenario, "w") as f:
            f.write(ASK)

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_load(self, serve, sim, *shape, quiet=True):
        """The load run's stdout; its JSON summary is at self.summary."""
        self.summary = os.path.join(self.dir, "run.json")
        result = subprocess.run(
            [BIN, "load", *(["-q"] if quiet else []), "-f", self.scenario, "-H", "http://127.0.0.1:%d" % serve.port,
             *shape, "--scrape", "http://127.0.0.1:%d/metrics" % serve.port, "--scrape", sim.url + "/metrics",
             "--json", self.summary], capture_output=True, text=True, timeout=90)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return result.stdout

    def diagnose(self, *extra):
        result = subprocess.run([BIN, "diagnose", self.summary, *extra], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def run_and_diagnose(self, serve, sim, *shape):
        stdout = self.run_load(serve, sim, *shape)
        self.assertNotIn("Diagnosis", stdout)  # -q
        return json.loads(self.diagnose("--format", "json"))

    def test_few_generation_slots_are_named_as_the_limit(self):
        sim = self.start(Sim("--max-concurrency", "2", "--max-queue", "0", "--ttft", "200ms", "--itl", "0ms",
                             "--output-tokens", "1"))
        serve = self.start(Serve("--llm-url", sim.url, "--cache-entries", "0", "--fallback", "off",
                                 "--llm-max-wait", "60s"))
        diagnosis = self.run_and_diagnose(serve, sim, "--stage", "4s:2", "--stage", "12s:24")
        self.assertTrue(diagnosis["findings"], diagnosis)
        top = diagnosis["findings"][0]
        self.assertEqual(top["rule"], "throughput_plateau", diagnosis)
        self.assertTrue(any("generation slots were full" in line for line in top["evidence"]), top)

    def test_a_light_healthy_run_has_no_finding(self):
        sim = self.start(Sim("--ttft", "10ms", "--itl", "1ms", "--output-tokens", "4"))
        serve = self.start(Serve("--llm-url", sim.url))
        with open(self.scenario, "w") as f:  # one question asked again and again: the cache answers
            f.write(ASK.replace(" {{ randint(1, 1000000) }}", ""))
        diagnosis = self.run_and_diagnose(serve, sim, "-u", "2", "-t", "8s")
        self.assertEqual(diagnosis["findings"], [], diagnosis)
        self.assertTrue(diagnosis["scraped"])
        self.assertGreater(diagnosis["availability"], 0.99)

    def test_the_new_series_are_scraped_and_the_run_ends_with_its_diagnosis(self):
        sim = self.start(Sim("--ttft", "10ms", "--itl", "1ms", "--output-tokens", "4"))
        serve = self.start(Serve("--llm-url", sim.url))
        with open(self.scenario, "w") as f:  # one question asked again and again: the cache answers
            f.write(ASK.replace(" {{ randint(1, 1000000) }}", ""))
        stdout = self.run_load(serve, sim, "-u", "2", "-t", "12s", quiet=False)
        # After the run's own tables, the text `ragscale diagnose` prints for its summary.
        self.assertIn("\nDiagnosis\n", stdout)
        printed = stdout[stdout.index("\nDiagnosis\n") + len("\nDiagnosis\n"):]
        self.assertLess(stdout.index("Response time percentiles"), stdout.index("\nDiagnosis\n"))
        self.assertEqual(printed, self.diagnose())
        # A healthy run: no false bottleneck, none of the new rules among them.
        self.assertIn("No bottleneck found", printed)

        with open(self.summary) as f:
            targets = {target["url"]: target for target in json.load(f)["scrape"]}
        generator = targets["generator"]["series"]
        serve_series = targets["http://127.0.0.1:%d/metrics" % serve.port]["series"]
        sim_series = targets[sim.url + "/metrics"]["series"]
        lag = [value for _, value in generator["ragscale_load_loop_lag_seconds"]]
        self.assertGreaterEqual(len(lag), 8, generator.keys())
        self.assertTrue(all(0 <= value < 5 for value in lag), lag)
        self.assertIn("ragscale_load_loop_lag_mean_seconds", generator)
        for series in (serve_series, sim_series):
            for name in ("process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                         "process_max_fds", "process_start_time_seconds", "process_threads",
                         "ragscale_cpu_cores_available"):
                self.assertIn(name, series, sorted(series))
            self.assertGreater(max(value for _, value in series["process_cpu_seconds_total"]), 0)
            self.assertGreaterEqual(series["ragscale_cpu_cores_available"][-1][1], 1)
        for name in ("ragscale_worker_threads", "ragscale_worker_threads_busy",
                     "ragscale_worker_queue_wait_seconds:rate", 'ragscale_backend_in_flight{backend="llm"}'):
            self.assertIn(name, serve_series, sorted(serve_series))
        self.assertGreaterEqual(serve_series["ragscale_worker_threads"][-1][1], 1)
        self.assertIn("ragscale_sim_generation_slots", sim_series)

    def test_bad_input_is_exit_2(self):
        for args, fragment in [([], "give a run's JSON summary"), ([os.path.join(self.dir, "missing.json")], "missing.json"),
                               ([self.scenario, "--format", "xml"], "--format")]:
            result = subprocess.run([BIN, "diagnose", *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(fragment, result.stderr)
