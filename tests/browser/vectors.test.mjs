// The engine's test vectors and the policy's scenarios in real Chromium, on the standard library the site ships (trimmed),
// on the one the npm package ships (full), and restored from a memory snapshot of it: neither
// trimming nor restoring may change an answer. The page loads the runtime, the wheel and the
// bundle from the built site the way the widget does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { SITE, serveSite, launch } from "./helpers.mjs";
import { expectedScores, scenarioProblems } from "../vectors/run.mjs";
import { loadVectors, workingVersion } from "../vectors/load.mjs";

const VECTORS = loadVectors();
const policy = workingVersion(VECTORS.policy, SITE);
const treeFolder = policy.tree.replace(/[^/]*$/, "");
const html = readFileSync(join(SITE, policy.tree), "utf8");
const engine = new URL(html.match(/data-engine-dir="([^"]+)"/)[1] + "/", `http://x/site/${treeFolder}`).pathname;
const wheel = html.match(/data-engine-wheel="([^"]+)"/)[1];

const HARNESS = `<!doctype html><meta charset="utf-8"><title>vectors</title>
<script type="module">
import { answersTo } from "/run.mjs";
const query = new URLSearchParams(location.search);
const runtime = query.get("runtime");
const { loadPyodide } = await import(runtime + "pyodide.mjs");
const indexURL = new URL(runtime, location.href).href;
// A memory snapshot made here as the widget's worker makes it (the engine's entry module imported
// on a fresh start), then restored.
async function restoredFromSnapshot() {
  const maker = await loadPyodide({ indexURL, _makeSnapshot: true });
  maker.unpackArchive(await (await fetch("${engine}${wheel}")).arrayBuffer(), "wheel");
  maker.pyimport("clausebook.interactive.entry");
  return loadPyodide({ indexURL, _loadSnapshot: maker.makeMemorySnapshot() });
}
const [pyodide, archive, bundle, vectors] = await Promise.all([
  query.has("snapshot") ? restoredFromSnapshot() : loadPyodide({ indexURL }),
  fetch("${engine}${wheel}").then((r) => r.arrayBuffer()),
  fetch("/site/${treeFolder}guidance.json").then((r) => r.text()),
  fetch("/vectors.json").then((r) => r.json()),
]);
// Restored, the runtime holds the engine's modules before anything imports them.
const restored = pyodide.runPython("import sys; 'clausebook.interactive.views' in sys.modules");
pyodide.unpackArchive(archive, "wheel");
const guidance = pyodide.pyimport("clausebook.interactive.views").Guidance.from_json(bundle);
const stdlib = pyodide.runPython("import sys, zipfile; len(zipfile.ZipFile('/lib/python%d%d.zip' % sys.version_info[:2]).namelist())");
window.result = { stdlib, restored, ...answersTo(guidance, vectors) };
</script>`;

// The same vectors through the page's own Web Worker (clausebook-engine.js), as the widget calls it.
const WORKER_HARNESS = `<!doctype html><meta charset="utf-8"><title>vectors in the worker</title>
<script type="module">
import { answersThroughCalls } from "/run.mjs";
import { startEngine } from "/site/_static/clausebook-engine.js";
const [engine, bundle, vectors] = await Promise.all([
  startEngine({ engineDir: "${engine}".replace(/\\/$/, ""), wheel: "${wheel}", bundle: "/site/${treeFolder}guidance.json", timeout: 60000 }),
  fetch("/site/${treeFolder}guidance.json").then((r) => r.json()),
  fetch("/vectors.json").then((r) => r.json()),
]);
const mainThreadPython = typeof globalThis.loadPyodide !== "undefined" || "pyodide" in globalThis;
window.result = { from: engine.from, mainThreadPython, ...(await answersThroughCalls(engine.call, vectors, bundle)) };
</script>`;

const RUNTIMES = {
  "shipped by the site (trimmed)": `runtime=${encodeURIComponent(engine)}`,
  "as the npm package ships it": "runtime=/npm/",
  "restored from a memory snapshot": `runtime=${encodeURIComponent(engine)}&snapshot`,
};
let root, server, browser;
const results = {};

before(async () => {
  root = mkdtempSync(join(tmpdir(), "clausebook-vectors-"));
  symlinkSync(SITE, join(root, "site"));
  symlinkSync(resolve("node_modules/pyodide"), join(root, "npm"));
  copyFileSync("tests/vectors/run.mjs", join(root, "run.mjs"));
  writeFileSync(join(root, "vectors.json"), JSON.stringify(VECTORS));
  writeFileSync(join(root, "harness.html"), HARNESS);
  writeFileSync(join(root, "worker-harness.html"), WORKER_HARNESS);
  server = await serveSite(root);
  browser = await launch();
  for (const [name, query] of Object.entries(RUNTIMES)) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`${server.base}harness.html?${query}`);
    const done = await page.waitForFunction(() => window.result, null, { timeout: 60000 }).catch(() => null);
    assert.ok(done, `${name}: the engine gave no answers (${errors.join("; ")})`);
    results[name] = await page.evaluate(() => window.result);
    await page.close();
  }
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`${server.base}worker-harness.html`);
  const done = await page.waitForFunction(() => window.result, null, { timeout: 60000 }).catch(() => null);
  assert.ok(done, `in the worker: the engine gave no answers (${errors.join("; ")})`);
  results.worker = await page.evaluate(() => window.result);
  await page.close();
});
after(async () => { await browser?.close(); await server?.close(); rmSync(root, { recursive: true, force: true }); });

for (const name of Object.keys(RUNTIMES)) {
  test(`every scenario and every score in Chromium, standard library ${name}`, () => {
    const { scenarios, scores } = results[name];
    const problems = VECTORS.scenarios.map((scenario, i) => [scenario.name, scenarioProblems(scenario, scenarios[i])])
      .filter(([, found]) => found.length);
    assert.deepEqual(problems, []);
    assert.equal(scenarios.length, VECTORS.scenarios.length);
    assert.deepEqual(scores.map(({ name: set, correct }) => ({ name: set, correct })), expectedScores(VECTORS));
  });
}

test("every scenario and every score in Chromium, in the page's Web Worker, as on the main thread", () => {
  const { scenarios, scores, mainThreadPython } = results.worker;
  const problems = VECTORS.scenarios.map((scenario, i) => [scenario.name, scenarioProblems(scenario, scenarios[i])])
    .filter(([, found]) => found.length);
  assert.deepEqual(problems, []);
  assert.equal(scenarios.length, VECTORS.scenarios.length);
  assert.deepEqual(scores.map(({ name: set, correct }) => ({ name: set, correct })), expectedScores(VECTORS));
  assert.equal(mainThreadPython, false, "Python is not on the page's main thread");
  // The worker answers exactly as Python on the main thread does, the scores' wording included.
  const main = results["shipped by the site (trimmed)"];
  assert.deepEqual({ scenarios, scores }, { scenarios: main.scenarios, scores: main.scores });
});

test("the runtimes really differ, and give the same answers", () => {
  const [trimmed, full, restored] = Object.keys(RUNTIMES).map((name) => results[name]);
  console.log(`standard library: ${trimmed.stdlib} files (site), ${full.stdlib} files (npm)`);
  assert.ok(trimmed.stdlib < full.stdlib / 2, "the site's standard library is the trimmed one");
  assert.ok(restored.restored && !trimmed.restored, "the snapshot was restored, not started");
  assert.deepEqual({ ...trimmed, stdlib: null, restored: null }, { ...full, stdlib: null, restored: null });
  assert.deepEqual(restored, { ...trimmed, restored: true });
});
