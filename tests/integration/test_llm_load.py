"""Integration tests for `ragscale load` against streamed model answers: the real generator
against a real `ragscale sim` (OpenAI-compatible, with configured timing and faults).

Streams in a scenario (stream: true) are measured (TTFT, ITL, tokens), a stream reset
part-way counts as stream_cut, and the --openai quick mode with --slo writes
PREFIX_llm_stats.csv with goodput and attainment.
"""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

from processes import BIN, ProcessesTestCase, Serve, Sim


def run_load(*args, timeout=90):
    return subprocess.run([BIN, "load", "-q", *args], capture_output=True, text=True, timeout=timeout)


class LlmLoadTest(ProcessesTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="ragscale-llm-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def scenario(self, text):
        path = self.path("scenario.yaml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def summary(self, name="run.json"):
        with open(self.path(name)) as f:
            return json.load(f)

    def test_streamed_requests_in_a_scenario_are_measured(self):
        sim = self.start(Sim("--ttft", "100ms", "--itl", "10ms", "--output-tokens", "20"))
        scenario = self.scenario(f"""
            host: {sim.url}
            users:
              - name: Chat
                tasks:
                  - method: POST
                    path: /v1/chat/completions
                    name: chat
                    stream: true
                    json: {{model: m, stream: true, messages: [{{role: user, content: hello}}]}}
                  - method: POST
                    path: /v1/chat/completions
                    name: whole
                    json: {{model: m, messages: [{{role: user, content: hello}}]}}
            """)
        result = run_load("-f", scenario, "-u", "4", "-t", "3s", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        endpoints = {e["name"]: e for e in self.summary()["endpoints"]}
        llm = endpoints["chat"]["llm"]
        self.assertGreater(llm["streams"], 5)
        self.assertEqual(llm["output_tokens"], 20 * llm["streams"])  # counted: no usage without include_usage
        self.assertAlmostEqual(llm["ttft_us"]["percentiles"]["p50"] / 1000, 100, delta=5)
        self.assertAlmostEqual(llm["itl_us"]["percentiles"]["p50"] / 1000, 10, delta=1)
        self.assertEqual(llm["itl_us"]["count"], 19 * llm["streams"])  # every gap
        self.assertAlmostEqual(llm["tpot_us"]["percentiles"]["p50"] / 1000, 10, delta=1)
        self.assertNotIn("llm", endpoints["whole"])  # not streamed, no SLO: no LLM figures
        self.assertIn("Streamed answers", result.stdout)

    def test_ragscale_serves_query_stream_is_measured(self):
        sim = self.start(Sim("--ttft", "80ms", "--itl", "5ms", "--output-tokens", "30"))
        serve = self.start(Serve("--llm-url", sim.url))
        scenario = self.scenario(f"""
            host: http://127.0.0.1:{serve.port}
            users:
              - name: Asker
                tasks:
                  - method: POST
                    path: /query
                    name: query
                    stream: true
                    json: {{question: "How do circuit breakers protect a backend? {{{{ uuid() }}}}", stream: true}}
            """)
        result = run_load("-f", scenario, "-u", "2", "-t", "3s", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        llm = self.summary()["aggregate"]["llm"]
        self.assertGreater(llm["streams"], 2)
        self.assertEqual(self.summary()["aggregate"]["failures"], 0)
        self.assertGreater(llm["output_tokens"], llm["streams"])  # token events counted
        self.assertGreaterEqual(llm["ttft_us"]["percentiles"]["p50"] / 1000, 80)
        self.assertGreater(llm["itl_us"]["count"], 0)

    def test_a_stream_reset_part_way_is_a_stream_cut(self):
        sim = self.start(Sim("--ttft", "20ms", "--itl", "5ms", "--output-tokens", "40", "--reset-rate", "1"))
        result = run_load("--openai", sim.url, "--model", "m", "-u", "2", "-t", "2s", "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = self.summary()
        self.assertGreater(summary["aggregate"]["failures"], 0)
        self.assertEqual(summary["aggregate"]["failures"], summary["aggregate"]["requests"])
        kinds = {error["kind"] for error in summary["errors"]}
        self.assertEqual(kinds, {"stream_cut"})

    def test_openai_mode_with_slos_writes_llm_stats(self):
        sim = self.start(Sim("--ttft", "50ms", "--itl", "5ms", "--output-tokens", "10",
                             "--slow-rate", "0.5", "--slow-delay", "300ms"))
        prompts = self.path("prompts.jsonl")
        with open(prompts, "w") as f:
            f.write('{"prompt": "What is RAG?"}\n{"messages": [{"role": "user", "content": "Why cache?"}]}\n')
        result = run_load("--openai", sim.url + "/v1", "--model", "ragscale-sim", "--prompts", prompts,
                          "--rate", "40", "--arrivals", "poisson", "-t", "4s", "--max-tokens", "10",
                          "--slo", "ttft<200ms", "--slo", "e2e<5s", "--threshold", "slo_attainment:rate>0.9",
                          "--csv", self.path("run"), "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 1, result.stderr + result.stdout)  # the attainment threshold fails
        with open(self.path("run_llm_stats.csv")) as f:
            rows = {row["Name"]: row for row in csv.DictReader(f)}
        aggregated = rows["Aggregated"]
        self.assertGreater(int(aggregated["Request Count"]), 100)
        self.assertAlmostEqual(float(aggregated["SLO Attainment %"]), 50, delta=12)
        self.assertLess(float(aggregated["SLO Attainment 95% CI Low %"]), float(aggregated["SLO Attainment %"]))
        self.assertAlmostEqual(float(aggregated["TTFT 50% (ms)"]), 50, delta=255)
        self.assertEqual(int(aggregated["Output Tokens"]), 10 * int(aggregated["Stream Count"]))  # from usage
        self.assertGreater(float(aggregated["Goodput/s"]), 0)
        self.assertIn("chat/completions", rows)
        history = [row for row in self.summary()["history"] if "llm" in row]
        self.assertTrue(history and any(row["llm"]["output_tokens"] > 0 for row in history))

    def test_whole_answers_count_their_usage_tokens(self):
        sim = self.start(Sim("--ttft", "30ms", "--itl", "2ms", "--output-tokens", "12"))
        result = run_load("--openai", sim.url, "--model", "m", "--no-stream", "-u", "2", "-t", "2s",
                          "--slo", "ttft<2s", "--csv", self.path("run"), "--json", self.path("run.json"))
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.path("run_llm_stats.csv")) as f:
            aggregated = {row["Name"]: row for row in csv.DictReader(f)}["Aggregated"]
        answers = int(aggregated["Stream Count"])
        self.assertGreater(answers, 5)
        self.assertEqual(int(aggregated["Output Tokens"]), 12 * answers)  # usage.completion_tokens
        # A whole answer's first token is its latency: at least the sim's TTFT and 11 gaps.
        self.assertGreater(float(aggregated["TTFT 50% (ms)"]), 45)
        self.assertEqual(float(aggregated["SLO Attainment %"]), 100)

    def test_bad_llm_flags_are_exit_2_with_the_fix(self):
        cases = [
            (["--openai", "http://127.0.0.1:9/v1"], "--model"),
            (["--model", "m", "http://127.0.0.1:9/"], "--openai"),
            (["--openai", "http://127.0.0.1:9", "--model", "m", "--slo", "ttft>5ms"], "--slo"),
            (["--openai", "http://127.0.0.1:9", "--model", "m", "--input-tokens", "lots"], "--input-tokens"),
            (["--openai", "http://127.0.0.1:9", "--model", "m", "--arrivals", "poisson"], "--rate"),
            (["--openai", "http://127.0.0.1:9", "--model", "m", "--rate", "5", "--arrivals", "bursty"], "--arrivals"),
            (["--openai", "http://127.0.0.1:9", "--model", "m", "--api-key-env", "RAGSCALE_NO_SUCH_KEY"],
             "RAGSCALE_NO_SUCH_KEY"),
        ]
        for args, mention in cases:
            result = run_load(*args, "--dry-run")
            self.assertEqual(result.returncode, 2, (args, result.stdout, result.stderr))
            self.assertIn(mention, result.stderr, args)


if __name__ == "__main__":
    unittest.main()
