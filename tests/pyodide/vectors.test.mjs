// The guidance engine in real Pyodide (in Node) against the same test vectors and scenarios as
// tests/test_guidance_vectors.py and tests/test_guidance_scenarios.py, using the wheel and the bundle of the site `make html` built,
// on the runtime as the npm package ships it and on the trimmed one the site ships: trimming
// must never change an answer.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadPyodide } from "pyodide";
import { answersTo, expectedScores, scenarioProblems } from "../vectors/run.mjs";
import { loadVectors, workingVersion } from "../vectors/load.mjs";

const SITE = resolve(process.env.CLAUSEBOOK_SITE ?? "_build/html");
const VECTORS = loadVectors();
const policy = workingVersion(VECTORS.policy, SITE);
const html = readFileSync(join(SITE, policy.tree), "utf8");
const engineDir = resolve(join(SITE, policy.tree, ".."), html.match(/data-engine-dir="([^"]+)"/)[1]);
const RUNTIMES = {
  "as shipped by npm": {},
  trimmed: { stdLibURL: join(engineDir, "python_stdlib.zip") },
};
const runtimes = {};
const answers = {};
const expected = expectedScores(VECTORS);

before(async () => {
  const wheel = readdirSync(engineDir).find((name) => name.endsWith("-py3-none-any.whl"));
  const bundle = readFileSync(join(SITE, policy.tree, "..", "guidance.json"), "utf8");
  for (const [name, options] of Object.entries(RUNTIMES)) {
    const pyodide = await loadPyodide({ indexURL: resolve("node_modules/pyodide") + "/", ...options });
    pyodide.unpackArchive(new Uint8Array(readFileSync(join(engineDir, wheel))), "wheel");
    const version = pyodide.runPython("import sys; sys.version.split()[0]");
    console.log(`# engine on Pyodide's CPython ${version}, standard library ${name}`);
    runtimes[name] = pyodide;
    answers[name] = answersTo(pyodide.pyimport("clausebook.interactive.views").Guidance.from_json(bundle), VECTORS);
  }
});

for (const runtime of Object.keys(RUNTIMES)) {
  VECTORS.scenarios.forEach((scenario, i) => {
    test(`scenario (${runtime}): ${scenario.name}`, () => {
      assert.deepEqual(scenarioProblems(scenario, answers[runtime].scenarios[i]), []);
    });
  });
  VECTORS.answer_sets.forEach((vector, i) => {
    test(`score (${runtime}): ${vector.name}`, () => {
      const { name, correct, summary, total } = answers[runtime].scores[i];
      assert.deepEqual({ name, correct }, expected[i]);
      assert.equal(summary, `${correct} out of ${total}`);
    });
  });
}

test("on the trimmed runtime the engine compiles no Python: every module it loaded is a .pyc", () => {
  const fromSource = runtimes.trimmed.runPython(`
import sys
sorted(name for name, module in sys.modules.items()
       if getattr(getattr(module, "__spec__", None), "origin", None) != "frozen"
       and (getattr(module, "__file__", None) or "").endswith(".py"))
`).toJs();
  assert.deepEqual(fromSource, []);
  const engine = runtimes.trimmed.runPython("import clausebook.interactive.views as v; v.__file__");
  assert.match(engine, /\.pyc$/);
});
