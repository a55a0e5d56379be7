"""Integration tests for `ragscale diagnose`: a run against ragscale serve in front of a sim
with few generation slots, scraped with --scrape, is diagnosed as a throughput plateau with
the model's slots full; a healthy light run gets no finding; bad input is exit 2.

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

    def run_and_diagnose(self, serve, sim, *shape):
        summary = os.path.join(self.dir, "run.json")
        result = subprocess.run(
            [BIN, "load", "-q", "-f", self.scenario, "-H", "http://127.0.0.1:%d" % serve.port, *shape,
             "--scrape", "http://127.0.0.1:%d/metrics" % serve.port, "--scrape", sim.url + "/metrics",
             "--json", summary], capture_output=True, text=True, timeout=90)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        result = subprocess.run([BIN, "diagnose", summary, "--format", "json"], capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

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

    def test_bad_input_is_exit_2(self):
        for args, fragment in [([], "give a run's JSON summary"), ([os.path.join(self.dir, "missing.json")], "missing.json"),
                               ([self.scenario, "--format", "xml"], "--format")]:
            result = subprocess.run([BIN, "diagnose", *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(fragment, result.stderr)
