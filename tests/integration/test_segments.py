"""Integration tests for distributed load generation: `ragscale load --segment I/N` run in
parallel against ragscale-testserver and merged with `ragscale merge`, disjoint users and data
rows per segment, exact shares of iterations, `--start-at`, and `load --processes`.

The server's own request counts are the independent witness: the merged run must have
exactly the requests the server saw, and the segments' shares must add up to the whole."""
import datetime
import json
import os
import subprocess
import tempfile
import time
import unittest

from test_load import BIN, TestServer, read_csv


def load(*args, timeout=60):
    return subprocess.run([BIN, "load", *args], capture_output=True, text=True, timeout=timeout)


def merge(*args):
    return subprocess.run([BIN, "merge", *args], capture_output=True, text=True, timeout=60)


def start_in(seconds):
    """An RFC 3339 start time `seconds` from now, on a whole second."""
    at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=seconds + 1)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def in_parallel(commands, timeout=60):
    processes = [subprocess.Popen([BIN, "load", *c], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        results.append((process.returncode, out, err))
    return results


def requests_of(path):
    with open(path) as f:
        return json.load(f)["aggregate"]["requests"]


class SegmentsTest(unittest.TestCase):
    def setUp(self):
        self.server = TestServer("--delay-ms", "2")
        self.tmp = tempfile.mkdtemp(prefix="rs-segments-")

    def tearDown(self):
        self.server.stop()

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_open_model_segments_in_parallel_merge_into_the_whole_run(self):
        start = start_in(1)
        results = in_parallel([[self.server.url + "/", "--rate", "400", "-t", "3s", "--segment", f"{i}/2",
                                "--start-at", start, "-q", "--json", self.path(f"part-{i}.json")] for i in range(2)])
        for code, out, err in results:
            self.assertEqual(code, 0, err)
        a, b = requests_of(self.path("part-0.json")), requests_of(self.path("part-1.json"))
        # 400/s for 3 s is 1,200 arrivals in the whole schedule: halves alternate exactly.
        self.assertEqual((a, b), (600, 600))
        done = merge(self.path("part-0.json"), self.path("part-1.json"), "-o", self.path("run.json"), "--json",
                     "--threshold", "http_req_failed:rate<0.01")
        self.assertEqual(done.returncode, 0, done.stderr)
        outcome = json.loads(done.stdout)
        self.assertEqual(outcome["requests"], 1200)
        self.assertEqual(outcome["coverage"], 1.0)
        self.assertEqual([p["segment"] for p in outcome["parts"]], ["0/2", "1/2"])
        self.assertTrue(outcome["passed"])
        self.assertEqual(self.server.counts().get("GET /", 0), 1200)
        with open(self.path("run.json")) as f:
            run = json.load(f)
        self.assertEqual(run["aggregate"]["requests"], 1200)
        self.assertEqual(len(run["parts"]), 2)
        # Seconds line up by wall clock: each merged second holds both segments' ~400 requests.
        steady = [h["aggregate"]["requests"] for h in run["history"][:3]]
        self.assertTrue(all(350 <= n <= 450 for n in steady[1:]), steady)
        # The merged file is a summary like load's: report and compare read it.
        report = subprocess.run([BIN, "report", self.path("run.json"), "-o", self.path("run.html")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(report.returncode, 0, report.stderr)
        with open(self.path("run.html")) as f:
            self.assertIn("parts-section", f.read())
        compared = subprocess.run([BIN, "compare", self.path("run.json"), self.path("run.json"), "--format", "json"],
                                  capture_output=True, text=True, timeout=60)
        self.assertEqual(compared.returncode, 0, compared.stderr)

    def test_staged_rates_poisson_arrivals_and_staged_users_add_up_to_the_single_run(self):
        url = self.server.url + "/"
        shapes = {
            "stages": ["--rate-stage", "1s:300", "--rate-stage", "1s:300"],
            "poisson": ["--rate", "250", "-t", "2s", "--arrivals", "poisson", "--seed", "5"],
        }
        for name, shape in shapes.items():
            single = load(url, *shape, "-q", "--json", self.path(f"{name}-single.json"))
            self.assertEqual(single.returncode, 0, single.stderr)
            start = start_in(1)
            results = in_parallel([[url, *shape, "--segment", f"{i}/3", "--start-at", start, "-q", "--json",
                                    self.path(f"{name}-{i}.json")] for i in range(3)])
            for code, _, err in results:
                self.assertEqual(code, 0, err)
            parts = [requests_of(self.path(f"{name}-{i}.json")) for i in range(3)]
            # One schedule, dealt out: the parts add up to the single generator's run exactly.
            self.assertEqual(sum(parts), requests_of(self.path(f"{name}-single.json")), (name, parts))
            self.assertLessEqual(max(parts) - min(parts), 2, (name, parts))
        # Closed model: 7 users in stages, cut in three, are 7 users in the merged run.
        start = start_in(1)
        results = in_parallel([[url, "--stage", "1s:7", "--stage", "1s:7", "--wait", "20ms", "--segment", f"{i}/3",
                                "--start-at", start, "-q", "--json", self.path(f"users-{i}.json")] for i in range(3)])
        for code, _, err in results:
            self.assertEqual(code, 0, err)
        peaks = []
        for i in range(3):
            with open(self.path(f"users-{i}.json")) as f:
                peaks.append(json.load(f)["run"]["peak_users"])
        self.assertEqual(sorted(peaks), [2, 2, 3])
        done = merge(*[self.path(f"users-{i}.json") for i in range(3)], "-o", self.path("users.json"))
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(self.path("users.json")) as f:
            self.assertEqual(json.load(f)["run"]["peak_users"], 7)

    def test_users_and_their_data_rows_are_disjoint_across_unequal_segments(self):
        rows = self.path("ids.txt")
        with open(rows, "w") as f:
            f.write("".join(f"row{i}\n" for i in range(12)))
        scenario = self.path("rows.yaml")
        with open(scenario, "w") as f:
            f.write(f"""host: {self.server.url}
data:
  ids: {{file: {rows}}}
users:
  - name: reader
    wait: 50ms
    tasks:
      - {{path: "/r/{{{{ user_data.ids }}}}"}}
load: {{users: 12, spawn_rate: 100, run_time: 1s}}
""")
        seen = []
        for segment in ("0:1/3", "1/3:1"):
            before = self.server.counts()
            done = load("-f", scenario, "--segment", segment, "-q", "--json", self.path("rows.json"))
            self.assertEqual(done.returncode, 0, done.stderr)
            after = self.server.counts()
            seen.append({path for path, n in after.items() if path.startswith("GET /r/") and n > before.get(path, 0)})
        self.assertEqual(len(seen[0]), 4, seen[0])  # a third of the 12 users, each with its own row
        self.assertEqual(len(seen[1]), 8, seen[1])
        self.assertEqual(seen[0] & seen[1], set())
        self.assertEqual(seen[0] | seen[1], {f"GET /r/row{i}" for i in range(12)})

    def test_iterations_are_divided_exactly_at_an_awkward_count(self):
        total = 0
        for i in range(3):
            done = load(self.server.url + "/", "-u", "3", "--iterations", "101", "--segment", f"{i}/3", "-q",
                        "--json", self.path(f"it-{i}.json"))
            self.assertEqual(done.returncode, 0, done.stderr)
            total += requests_of(self.path(f"it-{i}.json"))
        self.assertEqual(total, 101)
        done = merge(*[self.path(f"it-{i}.json") for i in range(3)], "-o", self.path("it.json"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(requests_of(self.path("it.json")), 101)

    def test_processes_run_local_segments_and_report_their_merged_run(self):
        done = load(self.server.url + "/", "--processes", "2", "--rate", "300", "-t", "2s", "--json",
                    self.path("p.json"), "--csv", self.path("p"), "--threshold", "http_req_duration:p(99)<1000")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("2 generator processes", done.stderr)
        self.assertIn("Parts", done.stdout)
        with open(self.path("p.json")) as f:
            run = json.load(f)
        self.assertEqual(run["aggregate"]["requests"], 600)
        self.assertEqual([p["segment"] for p in run["parts"]], ["0/2", "1/2"])
        self.assertEqual([p["requests"] for p in run["parts"]], [300, 300])
        self.assertEqual(run["run"]["thresholds"][0]["expression"], "http_req_duration: p(99)<1000")
        aggregated = [r for r in read_csv(self.path("p_stats.csv")) if r[1] == "Aggregated"][0]
        self.assertEqual(int(aggregated[2]), 600)
        self.assertEqual(self.server.counts().get("GET /", 0), 600)
        # A threshold that fails on the merged run fails the command, as load's would.
        failed = load(self.server.url + "/", "--processes", "2", "--rate", "100", "-t", "1s", "-q",
                      "--threshold", "http_req_duration:p(50)<1")
        self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)

    def test_a_late_start_is_said_and_the_merge_warns(self):
        past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        done = load(self.server.url + "/", "--rate", "50", "-t", "1s", "--segment", "0/2", "--start-at", past, "-q",
                    "--json", self.path("late.json"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stderr, r"started \d+\.\d s after --start-at")
        on_time = load(self.server.url + "/", "--rate", "50", "-t", "1s", "--segment", "1/2", "-q", "--json",
                       self.path("on-time.json"))
        self.assertEqual(on_time.returncode, 0, on_time.stderr)
        merged = merge(self.path("late.json"), self.path("on-time.json"), "-o", self.path("m.json"))
        self.assertEqual(merged.returncode, 0, merged.stderr)
        self.assertIn("after its --start-at", merged.stderr)

    def test_bad_segments_times_and_merges_are_bad_input(self):
        url = self.server.url + "/"
        for args, expected in [
            (["--segment", "2/2"], "I counts from 0"),
            (["--segment", "1/2:1/4"], "start must be below the end"),
            (["--start-at", "tomorrow"], "RFC 3339"),
            (["--start-at", "2026-12-02T15:00:00"], "time zone"),
            (["--processes", "2", "--segment", "0/2"], "drop --segment"),
            (["--processes", "0"], "between 1 and 256"),
            (["-u", "2", "--iterations", "10", "--segment", "1/3"], "gets none of the run's 2 users"),
        ]:
            done = load(url, "-t", "1s", "-q", *args)
            self.assertEqual(done.returncode, 2, args)
            self.assertIn(expected, done.stderr, args)
        done = load(url, "--rate", "20", "-t", "1s", "--segment", "0/2", "-q", "--json", self.path("s0.json"))
        self.assertEqual(done.returncode, 0, done.stderr)
        overlap = merge(self.path("s0.json"), self.path("s0.json"), "-o", self.path("bad.json"))
        self.assertEqual(overlap.returncode, 2)
        self.assertIn("overlap", overlap.stderr)
        missing = merge(self.path("s0.json"), self.path("nope.json"), "-o", self.path("bad.json"))
        self.assertEqual(missing.returncode, 2)
        self.assertIn("nope.json", missing.stderr)
        no_output = merge(self.path("s0.json"))
        self.assertEqual(no_output.returncode, 2)
        self.assertIn("-o RUN.json", no_output.stderr)
        helped = merge("--help")
        self.assertEqual(helped.returncode, 0)
        self.assertIn("Usage: ragscale merge", helped.stdout)


if __name__ == "__main__":
    unittest.main()
