// The test vectors for Node: the quiz's answer sets (social-media.json) and the scenarios,
// read from quizzes/<policy>.scenarios.yaml with the project's own YAML reader (PyYAML in
// .venv), so the three runtimes run the very same file.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function loadVectors() {
  const vectors = JSON.parse(readFileSync("tests/vectors/social-media.json", "utf8"));
  const python = process.env.CLAUSEBOOK_PYTHON ?? ".venv/bin/python";
  const read = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))";
  const scenarios = JSON.parse(execFileSync(python, ["-c", read, `quizzes/${vectors.policy}.scenarios.yaml`], { encoding: "utf8" }));
  return { ...vectors, scenarios: scenarios.scenarios };
}
