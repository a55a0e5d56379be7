"""Integration tests for `ragscale capacity`: the real binary against targets whose capacity
is known in advance: a private nginx whose limit_req refuses (503) what exceeds 200
requests/s, and `ragscale sim` with 2 generation slots of 0.2 s answers (10 answers/s).
Short steps keep the module under about 90 seconds."""
import json
import os
import re
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

import tls_nginx
from processes import Sim

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("RAGSCALE_BIN", os.path.join(HERE, "..", "..", "build", "ragscale"))
LIMIT = 200  # requests/s on /limited; /free has no limit


@unittest.skipUnless(os.path.exists(tls_nginx.NGINX), "nginx is not installed (make test-deps installs nginx-light)")
class CapacityAgainstRateLimitedNginx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nginx = tls_nginx.Nginx(lambda port, folder: textwrap.dedent("""\
            keepalive_requests 10000000;
            limit_req_zone $binary_remote_addr zone=limited:1m rate=%(limit)dr/s;
            server {
              listen 127.0.0.1:%(port)d;
              root %(dir)s;
              location /limited { limit_req zone=limited burst=10 nodelay; limit_req_status 503;
                                  try_files /ok.json =404; }
              location /free { try_files /ok.json =404; }
            }""") % {"dir": folder, "port": port, "limit": LIMIT})
        cls.dir = cls.nginx.dir
        with open(os.path.join(cls.dir, "ok.json"), "w") as f:
            f.write('{"status":"ok"}\n')
        cls.url = "http://127.0.0.1:%d" % cls.nginx.port

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()

    def path(self, name):
        return os.path.join(self.dir, name)

    def capacity(self, *args, timeout=120):
        return subprocess.run([BIN, "capacity", *args], capture_output=True, text=True, timeout=timeout)

    def test_finds_the_rate_limit_within_the_tolerance(self):
        started = time.monotonic()
        result = self.capacity(self.url + "/limited", "--slo", "http_req_failed:rate<0.01", "--step-time", "3s",
                               "--cooldown", "500ms", "--json", self.path("cap.json"), "--html", self.path("cap.html"))
        took = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(self.path("cap.json")) as f:
            found = json.load(f)
        self.assertEqual(found["format"], "ragscale-capacity")
        self.assertEqual(found["end"], "converged")
        # Below 200/s nothing is refused; above 200/0.99 more than 1% is. The bracket is 5% wide.
        self.assertGreaterEqual(found["capacity"], LIMIT / 1.05 * 0.97, result.stdout)
        self.assertLessEqual(found["capacity"], LIMIT / 0.99 * 1.02, result.stdout)
        bracket = found["bracket"]
        self.assertEqual(bracket["last_pass"], found["capacity"])
        self.assertLessEqual(bracket["first_fail"], bracket["last_pass"] * 1.05 + 1e-9)
        self.assertTrue(found["bound_by"].startswith("http_req_failed"), found["bound_by"])
        steps = found["steps"]
        self.assertGreaterEqual(len(steps), 4)
        self.assertEqual([s["offered"] for s in steps[:2]], [steps[0]["offered"], steps[0]["offered"] * 2])
        for step in steps:
            # Every step carries its full run summary, as `ragscale load --json` writes it.
            self.assertEqual(step["summary"]["aggregate"]["requests"], step["requests"])
            self.assertIn(step["verdict"], ("pass", "fail", "undecided"))
        failed = [s for s in steps if s["verdict"] == "fail"]
        self.assertTrue(failed and all(s["error_rate"] > 0.01 for s in failed), failed)
        # The live lines, the table and the capacity line.
        self.assertEqual(result.stderr.count("\nstep "), len(steps))
        printed = re.search(r"^Capacity: ([\d.]+) it/s \(last pass", result.stdout, re.M)
        self.assertTrue(printed, result.stdout)
        self.assertAlmostEqual(float(printed.group(1)), found["capacity"], delta=0.05)
        with open(self.path("cap.html")) as f:
            html = f.read()
        self.assertIn("ragscale capacity report", html)
        self.assertIn('id="capacity-search"', html)
        self.assertLess(took, 80)

    def test_closed_model_reaching_max_reports_at_least_that(self):
        result = self.capacity(self.url + "/free", "--by", "users", "--max", "2", "--step-time", "2s",
                               "--cooldown", "0", "--json", self.path("users.json"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(self.path("users.json")) as f:
            found = json.load(f)
        self.assertEqual(found["by"], "users")
        self.assertEqual(found["end"], "reached_max")
        self.assertEqual(found["capacity"], 2)
        self.assertEqual([s["offered"] for s in found["steps"]], [1, 2])

    def test_no_capacity_when_the_first_step_fails(self):
        result = self.capacity(self.url + "/limited", "--start", "600", "--step-time", "2s",
                               "--json", self.path("none.json"))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        with open(self.path("none.json")) as f:
            found = json.load(f)
        self.assertIsNone(found["capacity"])
        self.assertEqual(found["end"], "no_pass")
        self.assertIn("Capacity: none found", result.stdout)

    def test_ctrl_c_keeps_the_steps_so_far(self):
        process = subprocess.Popen([BIN, "capacity", self.url + "/free", "--start", "200", "--step-time", "4s",
                                    "--json", self.path("cut.json")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(9)  # inside the second step (after the first, 4 s, and its cool-down, 3 s)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 130, stdout + stderr)
        with open(self.path("cut.json")) as f:
            found = json.load(f)
        self.assertEqual(found["end"], "interrupted")
        self.assertEqual(found["steps"][0]["verdict"], "pass")
        self.assertEqual(found["capacity"], 200)
        self.assertIn("Interrupted", stdout)

    def test_bad_input_is_one_line_and_exit_2(self):
        for args, fragment in ((["--slo", "http_req_duration:avg<5"], "avg"),
                               (["--rate", "10"], "--rate"),
                               (["--tolerance", "abc"], "--tolerance"),
                               (["--json", "/nonexistent-dir/x.json"], "/nonexistent-dir")):
            result = self.capacity(self.url + "/free", *args, timeout=10)
            self.assertEqual(result.returncode, 2, result.stderr)
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertIn(fragment, lines[0])
            self.assertTrue(lines[0].startswith("ragscale capacity: "), lines[0])
            self.assertEqual(result.stdout, "")


class CapacityAgainstTheSim(unittest.TestCase):
    def test_a_latency_bound_target_is_found_by_its_saturation(self):
        # 2 slots x 1 / 0.2 s = 10 answers/s; above that the queue, and the latency, grow
        # without bound, which a short step's percentile alone would not show. A p90 needs
        # 35 samples for its bound, which 8/s gathers within a 3 s step and its extension.
        with Sim("--max-concurrency", "2", "--max-queue", "0", "--ttft", "200ms", "--itl", "0ms",
                 "--output-tokens", "1") as sim:
            with tempfile.TemporaryDirectory() as folder:
                out = os.path.join(folder, "sim.json")
                result = subprocess.run(
                    [BIN, "capacity", "--openai", sim.url, "--model", "m", "--no-stream",
                     "--slo", "http_req_duration:p(90)<1000", "--start", "8", "--step-time", "3s",
                     "--cooldown", "500ms", "--tolerance", "10%", "--json", out],
                    capture_output=True, text=True, timeout=120)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                with open(out) as f:
                    found = json.load(f)
        self.assertGreaterEqual(found["capacity"], 10 * 0.85, result.stdout)
        self.assertLessEqual(found["capacity"], 10 * 1.05, result.stdout)
        saturated = [s for s in found["steps"] if s["why"].startswith("saturated")]
        self.assertTrue(saturated, result.stdout)
        self.assertTrue(all(s["offered"] > 10 for s in saturated), result.stdout)


if __name__ == "__main__":
    unittest.main()
