"""The Kubernetes manifests under deploy/k8s/ validated offline against the Kubernetes API
schema (deploy/k8s/validate/validate.mjs over npm's kubernetes-models), not just parsed; a
broken copy must fail naming the field; and the load Job's shape: an Indexed Job whose pods
run their own segment of one run from one start time, and whose pod 0 merges the parts."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.join(HERE, "..", "..", "deploy", "k8s")
VALIDATOR = os.path.join(K8S, "validate", "validate.mjs")


def validate(*files):
    return subprocess.run(["node", VALIDATOR, *files], capture_output=True, text=True, timeout=120)


@unittest.skipUnless(shutil.which("node"), "node is not installed (scripts/install-deps.sh installs npm and node)")
class ManifestsTest(unittest.TestCase):
    def setUp(self):
        if not os.path.isdir(os.path.join(K8S, "validate", "node_modules", "kubernetes-models")):
            self.skipTest("kubernetes-models is not installed (scripts/install-deps.sh runs npm ci in deploy/k8s/validate)")

    def test_every_manifest_matches_the_kubernetes_api_schema(self):
        files = sorted(glob.glob(os.path.join(K8S, "*.yaml")))
        self.assertIn("load-job.yaml", [os.path.basename(f) for f in files])
        done = validate(*files)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn(" 0 failed", done.stdout)
        self.assertIn("Job ragscale-load", done.stdout)

    def test_a_broken_manifest_fails_naming_the_field(self):
        with open(os.path.join(K8S, "load-job.yaml")) as f:
            text = f.read()
        self.assertIn("completions: 4", text)
        with tempfile.TemporaryDirectory() as tmp:
            broken = os.path.join(tmp, "broken.yaml")
            with open(broken, "w") as f:
                f.write(text.replace("completions: 4", "completions: four").replace("restartPolicy: Never",
                                                                                      "restartPolicy: Sometimes"))
            done = validate(broken)
            self.assertEqual(done.returncode, 1, done.stdout)
            self.assertIn("/spec/completions must be integer", done.stdout)
            unknown = os.path.join(tmp, "unknown.yaml")
            with open(unknown, "w") as f:
                f.write("apiVersion: batch/v9\nkind: Job\nmetadata: {name: x}\n")
            done = validate(unknown)
            self.assertEqual(done.returncode, 1, done.stdout)
            self.assertIn("unknown apiVersion/kind batch/v9/Job", done.stdout)

    def test_the_load_job_runs_one_segment_per_pod_and_merges(self):
        with open(os.path.join(K8S, "load-job.yaml")) as f:
            text = f.read()
        for expected in ["completionMode: Indexed", "completions: 4", "parallelism: 4", 'value: "4"',
                         '--segment "${JOB_COMPLETION_INDEX}/${SEGMENTS}"', '--start-at "${START_AT}"',
                         "metadata.annotations['ragscale.io/start-at']", "ragscale merge /results/part-*.json",
                         "configMap: {name: ragscale-load-scenario}", "backoffLimit: 0"]:
            self.assertIn(expected, text)


if __name__ == "__main__":
    unittest.main()
