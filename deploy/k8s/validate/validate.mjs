// Validates Kubernetes manifests offline against the Kubernetes API schema (the
// kubernetes-models package's JSON schemas): every document of every file given must be a
// known apiVersion/kind and pass its schema. Prints one line per document and, for a failure,
// the file, document, and what the schema says; exits 1 when any document fails.
// A kustomization.yaml (kustomize.config.k8s.io Kustomization) is no API kind: its fields are
// checked against kustomize's, and every file its `resources:` lists must exist and is
// validated in turn (a folder by its own kustomization.yaml); each file is validated once.
// Usage: node validate.mjs FILE.yaml [MORE.yaml ...]
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml [MORE.yaml ...]");
  process.exit(2);
}

// "v1" -> kubernetes-models/v1, "batch/v1" -> kubernetes-models/batch/v1.
async function modelOf(apiVersion, kind) {
  let module;
  try {
    module = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    return null;
  }
  return module[kind] ?? null;
}

// The top-level fields of kustomize's Kustomization (v5); any other is a typo kustomize refuses.
const kustomizationFields = new Set([
  "apiVersion", "kind", "metadata", "resources", "components", "crds", "namespace", "namePrefix", "nameSuffix",
  "labels", "commonLabels", "commonAnnotations", "images", "replicas", "patches", "patchesStrategicMerge",
  "patchesJson6902", "replacements", "vars", "configMapGenerator", "secretGenerator", "generatorOptions",
  "generators", "transformers", "validators", "helmCharts", "helmGlobals", "openapi", "configurations",
  "buildMetadata", "sortOptions", "bases"]);

// What is wrong with a Kustomization (null if nothing); queues the files it lists.
function checkKustomization(file, object, queue) {
  const unknown = Object.keys(object).filter((key) => !kustomizationFields.has(key));
  if (unknown.length > 0) return `unknown field ${unknown.map((key) => `/${key}`).join(", ")}`;
  const resources = object.resources ?? [];
  if (!Array.isArray(resources) || resources.some((entry) => typeof entry !== "string")) {
    return "/resources must be a list of paths";
  }
  const missing = [];
  for (const entry of resources) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) continue;  // a remote base: not fetched offline
    const path = resolve(dirname(file), entry);
    const target = existsSync(path) && statSync(path).isDirectory() ? join(path, "kustomization.yaml") : path;
    if (existsSync(target)) queue.push(relative(process.cwd(), target) || target);
    else missing.push(entry);
  }
  return missing.length > 0 ? `/resources lists missing ${missing.join(", ")}` : null;
}

let failures = 0;
let documents = 0;
const queue = [...files];
const seen = new Set();
while (queue.length > 0) {
  const file = queue.shift();
  if (seen.has(resolve(file))) continue;
  seen.add(resolve(file));
  const parsed = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [index, document] of parsed.entries()) {
    const where = `${file} document ${index + 1}`;
    if (document.errors.length > 0) {
      console.log(`FAIL ${where}: not YAML: ${document.errors[0].message}`);
      failures++;
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue;  // an empty document
    documents++;
    const { apiVersion, kind } = object;
    if (kind === "Kustomization" && /^kustomize\.config\.k8s\.io\//.test(apiVersion ?? "")) {
      const problem = checkKustomization(file, object, queue);
      console.log(problem ? `FAIL ${where}: Kustomization: ${problem}` : `ok   ${where}: Kustomization`);
      if (problem) failures++;
      continue;
    }
    const Model = apiVersion && kind ? await modelOf(apiVersion, kind) : null;
    if (!Model) {
      console.log(`FAIL ${where}: unknown apiVersion/kind ${apiVersion}/${kind}`);
      failures++;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok   ${where}: ${kind} ${object.metadata?.name ?? ""}`);
    } catch (error) {
      const details = (error.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
      console.log(`FAIL ${where}: ${kind} ${object.metadata?.name ?? ""}: ${details || error.message}`);
      failures++;
    }
  }
}
console.log(`${documents} documents, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
