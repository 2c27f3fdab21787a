// The test vectors for Node: the quiz's answer sets (social-media.json) and the scenarios,
// read from quizzes/<policy>.scenarios.yaml with the project's own YAML reader (PyYAML in
// .venv), so the three runtimes run the very same file.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function loadVectors() {
  const vectors = JSON.parse(readFileSync("tests/vectors/social-media.json", "utf8"));
  const python = process.env.CLAUSEBOOK_PYTHON ?? ".venv/bin/python";
  const read = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))";
  const scenarios = JSON.parse(execFileSync(python, ["-c", read, `quizzes/${vectors.policy}.scenarios.yaml`], { encoding: "utf8" }));
  return { ...vectors, scenarios: scenarios.scenarios };
}

/** The version of a policy being worked on, as the build's internal model file says (the draft,
 * if there is one, or else the newest release), with its tool pages. The scenarios are written
 * for the guidance as it is now, which a draft holds until it is released; the public
 * manifest lists released versions only. */
export function workingVersion(policyId, site) {
  const model = JSON.parse(readFileSync(join(site, "..", ".work", "model.json"), "utf8"));
  const version = model.policies.find((p) => p.id === policyId).versions.at(-1);
  const { rules, quiz } = version.guidance ?? {};
  return {
    id: policyId,
    status: version.status,
    folder: version.folder,
    tree: rules ? `${version.folder}/${rules.page}.html` : null,
    quiz: quiz ? `${version.folder}/quiz.html` : null,
  };
}
