// Validates Kubernetes manifests offline against the Kubernetes API schema (the
// kubernetes-models package's JSON schemas): every document of every file given must be a
// known apiVersion/kind and pass its schema. Prints one line per document and, for a failure,
// the file, document, and what the schema says; exits 1 when any document fails.
// Usage: node validate.mjs FILE.yaml [MORE.yaml ...]
import { readFileSync } from "node:fs";
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

let failures = 0;
let documents = 0;
for (const file of files) {
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
