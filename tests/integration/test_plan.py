"""Integration tests for `ragscale plan`: the seeds' worked example, growth and the
scalability law from the command line, an autoscaling replay of a real load run's
history with its HorizontalPodAutoscaler manifest, JSON a script reads, and bad input.

The binary comes from $RAGSCALE_BIN.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from test_load import BIN, TestServer, run_load


def plan(*args):
    return subprocess.run([BIN, "plan", *args], capture_output=True, text=True, timeout=60)


class PlanTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ragscale-plan-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_the_worked_example_is_ten_replicas(self):
        result = plan("--per-replica", "200", "--users", "10000", "--requests-per-minute", "10", "--headroom", "20%",
                      "--json", self.path("plan.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Replicas: 10 ", result.stdout)
        with open(self.path("plan.json")) as f:
            figures = json.load(f)
        self.assertEqual(figures["replicas"], 10)
        self.assertAlmostEqual(figures["demand_rps"], 10000 * 10 / 60, places=6)
        self.assertAlmostEqual(figures["required_rps"], 2000, places=6)

    def test_growth_and_the_scalability_law(self):
        sweep = self.path("sweep.txt")
        with open(sweep, "w") as f:
            f.write("# replicas  requests/s\n1 200\n2 390\n4 740\n8 1300\n16 2000\n")
        result = plan("--per-replica", "200", "--rate", "1000", "--growth", "10%/month", "--horizon", "1y",
                      "--sweep", sweep, "--json", "-")
        self.assertEqual(result.returncode, 0, result.stderr)
        figures = json.loads(result.stdout)
        self.assertEqual(figures["replicas"], 6)
        steps = figures["growth"]["steps"]
        self.assertEqual([s["replicas"] for s in steps], list(range(7, 7 + len(steps))))
        self.assertEqual(figures["growth"]["replicas_at_horizon"], 19)  # 1,200 × 1.1^12 ÷ 200
        usl = figures["usl"]
        self.assertGreater(usl["r_squared"], 0.99)
        self.assertGreater(usl["peak_replicas"], 16)
        self.assertEqual(usl["replicas_for_demand"], 8)  # 1,200/s needs 8 by the fit, not 6

    def test_a_load_runs_history_replayed_under_the_autoscaler(self):
        server = TestServer()
        try:
            result = run_load(server.url + "/", "--rate-stage", "2s:50", "--rate-stage", "3s:200", "-t", "5s",
                              "-q", "--json", self.path("run.json"))
        finally:
            server.stop()
        self.assertEqual(result.returncode, 0, result.stderr)
        result = plan("--per-replica", "100", "--trace", self.path("run.json"), "--trace-scale", "10",
                      "--startup", "30s", "--manifest", self.path("hpa.yaml"), "--json", self.path("plan.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.path("plan.json")) as f:
            autoscale = json.load(f)["autoscale"]
        self.assertTrue(autoscale["searched"])
        self.assertGreaterEqual(autoscale["seconds"], 4)
        self.assertGreater(autoscale["peak_demand_rps"], 1000)  # about 200/s × 10
        self.assertEqual(autoscale["result"]["violated_seconds"], 0)
        self.assertIn(autoscale["target_percent"], range(30, 95, 5))
        with open(self.path("hpa.yaml")) as f:
            manifest = f.read()
        self.assertIn("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n", manifest)
        self.assertIn("  minReplicas: %d\n" % autoscale["min_replicas"], manifest)
        self.assertIn("HorizontalPodAutoscaler:", result.stdout)

    def test_bad_input_is_exit_2_with_one_clear_line(self):
        with open(self.path("not-capacity.json"), "w") as f:
            f.write('{"capacity": 0}')
        cases = [
            ([], "nothing to plan"),
            (["--users", "10", "--requests-per-minute", "5"], "--per-replica"),
            (["--per-replica", "200", "--users", "10"], "--requests-per-minute"),
            (["--per-replica", "fast", "--rate", "5"], "'fast' is not a number"),
            (["--per-replica", "200", "--rate", "5", "--headroom", "lots"], "--headroom"),
            (["--per-replica", "200", "--trace-stage", "10m"], "DUR:RATE"),
            (["--per-replica", "200", "--trace", self.path("missing.json")], "missing.json"),
            (["--capacity", self.path("not-capacity.json"), "--rate", "5"], "no capacity above 0"),
            (["--point", "1:100", "--point", "2:150"], "3 or more different counts"),
            (["--per-replica", "200", "--rate", "5", "--manifest", self.path("m.yaml")], "trace"),
            (["--bogus"], "unknown flag"),
        ]
        for args, fragment in cases:
            result = plan(*args)
            self.assertEqual(result.returncode, 2, (args, result.stdout, result.stderr))
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertIn(fragment, lines[0], args)

    def test_help(self):
        result = plan("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("--per-replica", result.stdout)
        self.assertIn("--trace-stage", result.stdout)


if __name__ == "__main__":
    unittest.main()
