"""The Kubernetes manifests under deploy/k8s/ validated offline against the Kubernetes API
schema (deploy/k8s/validate/validate.mjs over npm's kubernetes-models), not just parsed; a
broken copy must fail naming the field; the load Job's shape: an Indexed Job whose pods
run their own segment of one run from one start time, and whose pod 0 merges the parts;
and the service's shape (kustomization.yaml and what it lists): probes on /startup, /ready
and /health at the container's port, a termination period longer than the shutdown grace,
the HPA's CPU target, bounds and stabilization windows, selectors that select the pods,
settings that are real serve flags and name the Services that exist."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.join(HERE, "..", "..", "deploy", "k8s")
VALIDATOR = os.path.join(K8S, "validate", "validate.mjs")
BIN = os.environ.get("RAGSCALE_BIN", os.path.join(HERE, "..", "..", "build", "ragscale"))

# The service's manifests: what kustomization.yaml must list (load-job.yaml is a separate run).
SERVICE_MANIFESTS = {"serve-config.yaml", "serve-deployment.yaml", "serve-service.yaml", "serve-hpa.yaml",
                     "serve-pdb.yaml", "postgres-statefulset.yaml", "redis-statefulset.yaml", "sim-deployment.yaml"}


def validate(*files):
    return subprocess.run(["node", VALIDATOR, *files], capture_output=True, text=True, timeout=120)


def load_documents(path):
    """Every non-empty document of a YAML file: python3's yaml module, else the validator's
    own YAML parser (npm's yaml, in deploy/k8s/validate/node_modules) through node."""
    try:
        import yaml
    except ImportError:
        script = ("import {parseAllDocuments} from 'yaml'; import {readFileSync} from 'node:fs';"
                  "console.log(JSON.stringify(parseAllDocuments(readFileSync(process.argv[1], 'utf8'))"
                  ".map((d) => d.toJS())));")
        done = subprocess.run(["node", "--input-type=module", "-e", script, os.path.abspath(path)],
                              cwd=os.path.dirname(VALIDATOR), capture_output=True, text=True, timeout=60, check=True)
        return [d for d in json.loads(done.stdout) if d is not None]
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def seconds(duration):
    """A serve duration (250ms, 10s, 1m30s) in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|s|m|h)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[u] for n, u in parts)


def selects(selector, labels):
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


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
        self.assertTrue(SERVICE_MANIFESTS <= {os.path.basename(f) for f in files}, files)
        for expected in ["Kustomization", "Deployment ragscale", "Service ragscale", "HorizontalPodAutoscaler ragscale",
                         "PodDisruptionBudget ragscale", "ConfigMap ragscale-config", "Secret ragscale-secrets",
                         "StatefulSet ragscale-postgres", "StatefulSet ragscale-redis", "Deployment ragscale-sim"]:
            self.assertIn(": %s" % expected, done.stdout)
        # Files reached through the kustomization as well as named are validated once.
        self.assertEqual(done.stdout.count("Deployment ragscale\n"), 1, done.stdout)

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

    def test_the_kustomization_is_checked_and_validates_what_it_lists(self):
        done = validate(os.path.join(K8S, "kustomization.yaml"))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        for name in SERVICE_MANIFESTS:
            self.assertIn("%s document 1: " % name, done.stdout)
        self.assertNotIn("load-job.yaml", done.stdout)
        with open(os.path.join(K8S, "serve-hpa.yaml")) as f:
            hpa = f.read()
        self.assertIn("minReplicas: 3", hpa)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "hpa.yaml"), "w") as f:
                f.write(hpa.replace("minReplicas: 3", "minReplicas: three"))
            with open(os.path.join(tmp, "kustomization.yaml"), "w") as f:
                f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                        "resources: [hpa.yaml, missing.yaml]\n")
            with open(os.path.join(tmp, "typo.yaml"), "w") as f:
                f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource: [hpa.yaml]\n")
            done = validate(os.path.join(tmp, "kustomization.yaml"), os.path.join(tmp, "typo.yaml"))
            self.assertEqual(done.returncode, 1, done.stdout)
            self.assertIn("Kustomization: /resources lists missing missing.yaml", done.stdout)
            self.assertIn("/spec/minReplicas must be integer", done.stdout)  # a listed file is validated
            self.assertIn("Kustomization: unknown field /resource", done.stdout)


class ServiceShapeTest(unittest.TestCase):
    """The service's manifests as a whole, read as data."""

    @classmethod
    def setUpClass(cls):
        try:
            import yaml  # noqa: F401
        except ImportError:
            if not (shutil.which("node") and os.path.isdir(os.path.join(K8S, "validate", "node_modules", "yaml"))):
                raise unittest.SkipTest("neither python3's yaml nor node with the validator's node_modules is installed")
        (cls.kustomization,) = load_documents(os.path.join(K8S, "kustomization.yaml"))
        cls.objects = {}
        for name in cls.kustomization.get("resources", []):
            for document in load_documents(os.path.join(K8S, name)):
                cls.objects[(document["kind"], document["metadata"]["name"])] = document
        cls.deployment = cls.objects[("Deployment", "ragscale")]
        cls.pod = cls.deployment["spec"]["template"]
        (cls.container,) = [c for c in cls.pod["spec"]["containers"] if c["name"] == "serve"]
        cls.config = cls.objects[("ConfigMap", "ragscale-config")]["data"]

    def test_the_kustomization_lists_every_service_manifest_and_they_exist(self):
        self.assertEqual(self.kustomization["apiVersion"], "kustomize.config.k8s.io/v1beta1")
        self.assertEqual(self.kustomization["kind"], "Kustomization")
        resources = self.kustomization["resources"]
        self.assertEqual(len(resources), len(set(resources)), resources)
        on_disk = {os.path.basename(f) for f in glob.glob(os.path.join(K8S, "*.yaml"))}
        self.assertEqual(set(resources), on_disk - {"kustomization.yaml", "load-job.yaml"})
        self.assertEqual(set(resources), SERVICE_MANIFESTS)
        if shutil.which("kubectl"):  # kustomize itself, offline, where installed
            done = subprocess.run(["kubectl", "kustomize", K8S], capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            built = {(k, n) for k, n in re.findall(r"^kind: (\S+)\n(?:.*\n)*?^  name: (\S+)$", done.stdout, re.M)}
            self.assertEqual(built, set(self.objects), done.stdout)

    def port(self, name_or_number):
        if isinstance(name_or_number, int):
            return name_or_number
        (port,) = [p["containerPort"] for p in self.container["ports"] if p["name"] == name_or_number]
        return port

    def test_the_probes_are_on_startup_ready_and_health_at_the_container_port(self):
        listen = int(self.config["RAGSCALE_PORT"]) if "RAGSCALE_PORT" in self.config else 8000
        self.assertEqual(self.config["RAGSCALE_HOST"], "0.0.0.0")
        self.assertIn(listen, [p["containerPort"] for p in self.container["ports"]])
        for probe, path in [("startupProbe", "/startup"), ("readinessProbe", "/ready"), ("livenessProbe", "/health")]:
            get = self.container[probe]["httpGet"]
            self.assertEqual(get["path"], path, probe)
            self.assertEqual(self.port(get["port"]), listen, probe)
        # The start-up probe gives the index build minutes, not the liveness probe's seconds.
        startup = self.container["startupProbe"]
        self.assertGreaterEqual(startup["periodSeconds"] * startup["failureThreshold"], 120)

    def test_termination_outlasts_the_prestop_sleep_and_the_shutdown_grace(self):
        grace = seconds(self.config["RAGSCALE_SHUTDOWN_GRACE"])
        command = self.container["lifecycle"]["preStop"]["exec"]["command"]
        self.assertEqual(command[0], "sleep")
        pause = float(command[1])
        self.assertGreater(pause, 0)
        self.assertGreater(self.pod["spec"]["terminationGracePeriodSeconds"], pause + grace)
        rolling = self.deployment["spec"]["strategy"]
        self.assertEqual(rolling["type"], "RollingUpdate")
        self.assertEqual(rolling["rollingUpdate"]["maxUnavailable"], 0)
        # The HPA owns the replica count; a count here would reset it at every apply.
        self.assertNotIn("replicas", self.deployment["spec"])
        resources = self.container["resources"]
        for kind in ["requests", "limits"]:
            self.assertIn("cpu", resources[kind])
            self.assertIn("memory", resources[kind])

    def test_the_hpa_scales_on_cpu_70_between_3_and_20_with_the_windows(self):
        hpa = self.objects[("HorizontalPodAutoscaler", "ragscale")]
        self.assertEqual(hpa["apiVersion"], "autoscaling/v2")
        spec = hpa["spec"]
        self.assertEqual(spec["scaleTargetRef"], {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ragscale"})
        self.assertEqual((spec["minReplicas"], spec["maxReplicas"]), (3, 20))
        (metric,) = spec["metrics"]
        self.assertEqual(metric["type"], "Resource")
        self.assertEqual(metric["resource"]["name"], "cpu")
        self.assertEqual(metric["resource"]["target"], {"type": "Utilization", "averageUtilization": 70})
        self.assertEqual(spec["behavior"]["scaleUp"]["stabilizationWindowSeconds"], 60)
        self.assertEqual(spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"], 300)
        for direction in ["scaleUp", "scaleDown"]:
            self.assertTrue(spec["behavior"][direction]["policies"], direction)
        self.assertIn("cpu", self.container["resources"]["requests"])  # what utilization is of

    def test_the_selectors_select_the_pods(self):
        labels = self.pod["metadata"]["labels"]
        selector = self.deployment["spec"]["selector"]["matchLabels"]
        self.assertTrue(selects(selector, labels))
        pdb = self.objects[("PodDisruptionBudget", "ragscale")]
        self.assertEqual(pdb["apiVersion"], "policy/v1")
        self.assertEqual(pdb["spec"]["selector"]["matchLabels"], selector)
        budget = pdb["spec"].get("maxUnavailable", None)
        if budget is None:  # minAvailable: below the HPA's minimum, or no drain could proceed
            self.assertLess(pdb["spec"]["minAvailable"], self.objects[("HorizontalPodAutoscaler", "ragscale")]
                            ["spec"]["minReplicas"])
        else:
            self.assertEqual(budget, 1)
        service = self.objects[("Service", "ragscale")]
        self.assertEqual(service["spec"]["selector"], selector)
        (port,) = service["spec"]["ports"]
        self.assertEqual(self.port(port["targetPort"]), self.port("http"))
        # The load Job's scenario reaches the service at this Service's name and port.
        with open(os.path.join(K8S, "load-job.yaml")) as f:
            self.assertIn("host: http://ragscale:%d" % port["port"], f.read())
        # Every Service selects the pods of one workload here, every StatefulSet names its Service.
        workloads = [o for o in self.objects.values() if o["kind"] in ("Deployment", "StatefulSet")]
        for (kind, name), service in self.objects.items():
            if kind == "Service":
                chosen = [w for w in workloads if selects(service["spec"]["selector"], w["spec"]["template"]["metadata"]
                                                           ["labels"])]
                self.assertEqual(len(chosen), 1, name)
        for workload in workloads:
            self.assertTrue(selects(workload["spec"]["selector"]["matchLabels"],
                                    workload["spec"]["template"]["metadata"]["labels"]), workload["metadata"]["name"])
            if workload["kind"] == "StatefulSet":
                self.assertIn(("Service", workload["spec"]["serviceName"]), self.objects)
            for name in ["app.kubernetes.io/name", "app.kubernetes.io/component"]:
                self.assertIn(name, workload["spec"]["template"]["metadata"]["labels"])

    def test_the_settings_are_serve_flags_and_name_the_services(self):
        secret = self.objects[("Secret", "ragscale-secrets")]
        self.assertIn("RAGSCALE_LLM_KEY", secret["stringData"])
        sources = self.container["envFrom"]
        self.assertIn({"configMapRef": {"name": "ragscale-config"}}, sources)
        self.assertIn({"secretRef": {"name": "ragscale-secrets"}}, sources)
        names = set(self.config) | set(secret["stringData"])
        for name in ["RAGSCALE_STORE", "RAGSCALE_CACHE", "RAGSCALE_LLM_URL", "RAGSCALE_LLM_CONNECTIONS",
                     "RAGSCALE_SHUTDOWN_GRACE", "RAGSCALE_HOST"]:
            self.assertIn(name, names)
        done = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        for name in names:
            self.assertIn("[%s;" % name, done.stdout, "not a serve setting")
        # The URLs name a Service of these manifests at one of its ports.
        for setting, pattern in [("RAGSCALE_STORE", r"^postgres://[^@/]+@([^:/]+):(\d+)/"),
                                 ("RAGSCALE_CACHE", r"^redis://([^:/]+):(\d+)"),
                                 ("RAGSCALE_LLM_URL", r"^http://([^:/]+):(\d+)")]:
            host, port = re.match(pattern, self.config[setting]).groups()
            self.assertIn(("Service", host), self.objects, setting)
            self.assertIn(int(port), [p["port"] for p in self.objects[("Service", host)]["spec"]["ports"]], setting)
        postgres = self.objects[("StatefulSet", "ragscale-postgres")]["spec"]
        self.assertEqual(postgres["template"]["spec"]["containers"][0]["image"], "postgres:15")
        self.assertTrue(postgres["volumeClaimTemplates"])
        redis = self.objects[("ConfigMap", "ragscale-redis")]["data"]["redis.conf"]
        self.assertRegex(redis, r"(?m)^maxmemory \d+mb$")
        self.assertRegex(redis, r"(?m)^maxmemory-policy allkeys-lru$")
        self.assertRegex(redis, r'(?m)^save ""$')


if __name__ == "__main__":
    unittest.main()
