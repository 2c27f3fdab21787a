// The guidance engine in real Pyodide (the npm package, in Node) against the same test vectors
// as tests/test_guidance_vectors.py, using the wheel and the bundle of the site `make html` built.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadPyodide } from "pyodide";

const SITE = resolve(process.env.CLAUSEBOOK_SITE ?? "_build/html");
const VECTORS = JSON.parse(readFileSync("tests/vectors/social-media.json", "utf8"));
let guidance;

before(async () => {
  const pyodide = await loadPyodide({ indexURL: resolve("node_modules/pyodide") + "/" });
  const engineDir = join(SITE, "_static", "pyodide");
  const wheel = readdirSync(engineDir).find((name) => name.endsWith("-py3-none-any.whl"));
  pyodide.unpackArchive(new Uint8Array(readFileSync(join(engineDir, wheel))), "wheel");
  const manifest = JSON.parse(readFileSync(join(SITE, "clausebook.json"), "utf8"));
  const policy = manifest.policies.find((p) => p.id === VECTORS.policy);
  const bundle = readFileSync(join(SITE, policy.tree, "..", "guidance.json"), "utf8");
  const version = pyodide.runPython("import sys; sys.version.split()[0]");
  console.log(`# engine on Pyodide's CPython ${version}`);
  guidance = pyodide.pyimport("clausebook.interactive.views").Guidance.from_json(bundle);
});

const view = (walk) => JSON.parse(guidance.tree_view_json(walk));

function walk(labels) {
  let current = view("");
  for (const label of labels) {
    const chosen = (current.answers ?? []).find((answer) => answer.label === label);
    assert.ok(chosen, `"${label}" is not an answer to "${current.question}"`);
    current = view(chosen.walk);
  }
  return current;
}

for (const vector of VECTORS.walks) {
  test(`walk: ${vector.name}`, () => {
    const end = walk(vector.answers);
    assert.equal(end.node, vector.verdict);
    assert.equal(end.verdict.kind, vector.kind);
    assert.deepEqual(end.verdict.clauses.map((clause) => clause.number), vector.clauses);
  });
}

for (const vector of VECTORS.answer_sets) {
  test(`score: ${vector.name}`, () => {
    let answers = vector.answers;
    if (answers === "all-correct") {
      // The right answers, read from the engine's own quiz rather than copied here.
      answers = Object.fromEntries(guidance.quiz.questions.toJs({ depth: 1 }).map((q) => [q.id, q.answer]));
    }
    const result = JSON.parse(guidance.quiz_result_json(JSON.stringify(answers)));
    assert.equal(result.correct, vector.correct);
    assert.equal(result.summary, `${vector.correct} out of ${result.total}`);
  });
}
