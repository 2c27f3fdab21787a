// Benchmark the "Should I post this?" widget (not a test): `node tools/bench_widget.mjs` after `make html`.
//
// Headless Chromium on loopback, five cold runs (a new profile each) and five warm runs (a later
// visit in the same browser), then, for the widget, a visit after the browser was closed and one with
// Chromium's compiled-code cache emptied but its HTTP cache kept (what the code cache does for the
// .wasm). Measured: the first question visible; the widget's data-engine "ready"; the first
// answer handled by Python; and, as yardsticks in the same run, (a) the bare runtime's own start (a
// page that only runs 1+1 on the same Pyodide: the page's own runtime folder, and for reference
// the files as the npm package ships them), (b) our engine on Pyodide exactly as the npm package
// ships it, and (c) a no-Python floor (the first question only). The widget is measured twice:
// as built (a first visit starts Python and then fetches the memory snapshot, which later visits
// restore) and with the server refusing the snapshot. Bytes are counted at the server, as sent
// (compressed where the build left a compressed copy; COMPRESS=0 sends every file as it is),
// which sends the cache headers the README recommends (immutable for content-hashed files, ETag
// and 304 for the rest).
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const SITE = resolve(process.env.CLAUSEBOOK_SITE ?? "_build/html");
const RUNS = Number(process.env.RUNS ?? 5);
const COMPRESS = process.env.COMPRESS !== "0"; // COMPRESS=0: a server that sends every file as it is
const manifest = JSON.parse(readFileSync(join(SITE, "clausebook.json"), "utf8"));
const policy = manifest.policies.find((p) => p.tree);
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".zip": "application/zip",
  ".whl": "application/zip", ".svg": "image/svg+xml", ".pdf": "application/pdf", ".tar": "application/x-tar" };

// A copy of the site with the yardstick pages beside it, on one origin.
const root = mkdtempSync(join(tmpdir(), "bench-widget-"));
cpSync(SITE, root, { recursive: true });
const engineDir = readdirSync(join(root, "_static"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name === "pyodide").map((d) => "_static/pyodide")[0];
const runtimeDir = findRuntime(join(root, engineDir));
mkdirSync(join(root, "bench", "shipped"), { recursive: true });
cpSync("node_modules/pyodide", join(root, "bench", "shipped"), { recursive: true });
const wheel = readdirSync(join(root, runtimeDir)).find((f) => f.endsWith(".whl"));
cpSync(join(root, runtimeDir, wheel), join(root, "bench", "shipped", wheel));
const bundle = `/${policy.tree.replace(/[^/]*$/, "")}guidance.json`;
const firstWalk = "role:employee"; // the first question answered: the engine picks the next

const timing = `<script>window.benchStart = performance.timeOrigin;</script>`;
writeFileSync(join(root, "bench", "bare.html"), `<!doctype html><meta charset=utf-8><title>bare</title>
<p>bare runtime</p><script type="module">
import { loadPyodide } from "/${runtimeDir}/pyodide.mjs";
const py = await loadPyodide({ indexURL: new URL("/${runtimeDir}/", location.href).href, lockFileURL: new URL("/${runtimeDir}/pyodide-lock.json", location.href).href });
py.runPython("1+1"); window.done = performance.now();
</script>`);
writeFileSync(join(root, "bench", "bare-shipped.html"), `<!doctype html><meta charset=utf-8><title>bare, as shipped</title>
<p>bare runtime as shipped</p><script type="module">
import { loadPyodide } from "/bench/shipped/pyodide.mjs";
const py = await loadPyodide({ indexURL: new URL("/bench/shipped/", location.href).href });
py.runPython("1+1"); window.done = performance.now();
</script>`);
writeFileSync(join(root, "bench", "shipped.html"), `<!doctype html><meta charset=utf-8><title>shipped</title>
<p>engine on Pyodide as shipped</p><script type="module">
import { loadPyodide } from "/bench/shipped/pyodide.mjs";
const py = await loadPyodide({ indexURL: new URL("/bench/shipped/", location.href).href });
await py.loadPackage(new URL("/bench/shipped/${wheel}", location.href).href);
const bundle = await (await fetch("${bundle}")).text();
const g = py.pyimport("clausebook.interactive.views").Guidance.from_json(bundle);
JSON.parse(g.tree_view_json("${firstWalk}")); window.done = performance.now();
</script>`);
writeFileSync(join(root, "bench", "floor.html"), `<!doctype html><meta charset=utf-8><title>floor</title>
<h2 id=q>What would you like to do?</h2><ul><li><a href="#x">An answer</a></li></ul>`);

function findRuntime(dir) {
  if (existsSync(join(dir, "pyodide.mjs"))) return dir.slice(root.length + 1);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, "pyodide.mjs"))) return join(dir, entry.name).slice(root.length + 1);
  }
  throw new Error("no Pyodide in the built site");
}

let bytes = 0, snapshotBytes = 0;
let snapshotOff = false; // while measuring the widget as it would be without the memory snapshot
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  if (snapshotOff && path.endsWith("/snapshot.bin")) { response.writeHead(404).end(); return; }
  let file = normalize(join(root, path));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!file.startsWith(root) || !existsSync(file)) { response.writeHead(404).end(); return; }
  // The build's compressed copy to a browser that accepts it, as make serve and nginx's
  // zstd_static / brotli_static / gzip_static send it.
  const accepts = request.headers["accept-encoding"] ?? "";
  const coding = COMPRESS && [["zstd", ".zst"], ["br", ".br"], ["gzip", ".gz"]].find(([name, suffix]) => accepts.includes(name) && existsSync(file + suffix));
  const body = readFileSync(coding ? file + coding[1] : file);
  const etag = `"${createHash("sha1").update(body).digest("hex")}"`;
  const immutable = /\/_static\/pyodide\/[0-9a-f]{16}\//.test(path);
  const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", etag,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ...(coding ? { "content-encoding": coding[0], vary: "Accept-Encoding" } : {}) };
  if (request.headers["if-none-match"] === etag) { response.writeHead(304, headers).end(); return; }
  bytes += body.length;
  if (path.endsWith("/snapshot.bin")) snapshotBytes += body.length;
  response.writeHead(200, headers).end(body);
});
await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
const base = `http://127.0.0.1:${server.address().port}`;

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"];

async function visit(context, url, measure) {
  const page = await context.newPage();
  const [before, snapshotBefore] = [bytes, snapshotBytes];
  await page.goto(base + url);
  const result = await measure(page);
  await page.close();
  return { ...result, bytes: bytes - before, snapshotBytes: snapshotBytes - snapshotBefore };
}

const measures = {
  widget: async (page) => {
    const question = await page.evaluate(() => new Promise((done) => {
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      if (paint) done(paint.startTime);
      else new PerformanceObserver((list) => done(list.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
    }));
    // The widget marks these itself, so the figures hold no time of Playwright's own.
    await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 30000 });
    const ready = await page.evaluate(() => performance.getEntriesByName("clausebook:engine-ready")[0].startTime);
    await page.locator(".cb-live form input").first().check();
    await page.locator(".cb-live form").getByRole("button", { name: "Continue" }).click();
    await page.waitForFunction(() => performance.getEntriesByName("clausebook:answer").length);
    const handling = await page.evaluate(() => performance.getEntriesByName("clausebook:answer")[0].duration);
    const from = await page.locator("[data-cb-widget]").first().getAttribute("data-engine-from");
    if (from === "start" && !snapshotOff) {
      // A reader stays on the page a while: let the snapshot reach the cache for the next visit.
      await page.waitForFunction(() => performance.getEntriesByName("clausebook:snapshot-cached").length, null, { timeout: 30000 });
    }
    // Someone who clicks as soon as the question shows has Python's answer when the engine is
    // ready and has handled the click.
    return { question, ready, answer: ready + handling, handling, fromSnapshot: from === "snapshot" ? 1 : 0 };
  },
  bare: async (page) => ({ done: await page.waitForFunction(() => window.done).then((h) => h.jsonValue()) }),
  bareShipped: async (page) => ({ done: await page.waitForFunction(() => window.done, null, { timeout: 60000 }).then((h) => h.jsonValue()) }),
  shipped: async (page) => ({ done: await page.waitForFunction(() => window.done, null, { timeout: 60000 }).then((h) => h.jsonValue()) }),
  floor: async (page) => ({ done: await page.evaluate(() => new Promise((done) => {
    new PerformanceObserver((list) => done(list.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
  })) }),
};

measures.widgetNoSnapshot = measures.widget;
const pages = { widget: `/${policy.tree}`, widgetNoSnapshot: `/${policy.tree}`, bare: "/bench/bare.html", bareShipped: "/bench/bare-shipped.html", shipped: "/bench/shipped.html", floor: "/bench/floor.html" };
const launch = (profile) => chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", args: ARGS });
const results = {};
for (const [name, url] of Object.entries(pages)) {
  results[name] = { cold: [], warm: [], restarted: [], nocodecache: [] };
  snapshotOff = name === "widgetNoSnapshot";
  for (let run = 0; run < RUNS; run++) {
    const profile = mkdtempSync(join(tmpdir(), "bench-profile-"));
    let context = await launch(profile);
    results[name].cold.push(await visit(context, url, measures[name]));
    results[name].warm.push(await visit(context, url, measures[name])); // a later visit, same browser
    await context.close();
    if (name === "widget") {
      context = await launch(profile); // a later visit after the browser was closed
      results[name].restarted.push(await visit(context, url, measures[name]));
      await context.close();
      // The same warm visit with Chromium's compiled-code cache emptied (the HTTP cache kept):
      // what the code cache does for the .wasm.
      rmSync(join(profile, "Default", "Code Cache"), { recursive: true, force: true });
      context = await launch(profile);
      results[name].nocodecache.push(await visit(context, url, measures[name]));
      await context.close();
    }
    rmSync(profile, { recursive: true, force: true });
  }
}
server.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const pick = (name, when, key) => median(results[name][when].map((r) => r[key]));

console.log(`widget (${RUNS} runs each, median; Chromium headless, loopback)`);
for (const when of ["cold", "warm"]) {
  const answer = pick("widget", when, "answer");
  const bare = pick("bare", when, "done");
  const shipped = pick("shipped", when, "done");
  console.log(`  ${when}: first question ${s(pick("widget", when, "question"))} (target < 0.2 s; no-Python floor ${s(pick("floor", when, "done"))}),` +
    ` engine ready ${s(pick("widget", when, "ready"))}, first Python answer ${s(answer)}` +
    ` (target ${when === "cold" ? "1.5" : "0.8"} s)`);
  console.log(`        yardsticks: (a) bare runtime 1+1 ${s(bare)}, (b) engine on Pyodide as shipped ${s(shipped)};` +
    ` answer/(a) = ${(answer / bare).toFixed(2)} (target <= 1.2), answer/(b) = ${(answer / shipped).toFixed(2)} (target <= 0.5)`);
  console.log(`        (a) is the runtime from the page's own engine folder (our trimmed standard library); on the` +
    ` files as the npm package ships them it takes ${s(pick("bareShipped", when, "done"))}` +
    ` (answer/that = ${(answer / pick("bareShipped", when, "done")).toFixed(2)}); Python handled the click in ${(pick("widget", when, "handling")).toFixed(0)} ms`);
  console.log(`        bytes: widget ${kb(pick("widget", when, "bytes"))}${when === "warm" ? " (target < 100 KB)" : ""}` +
    (when === "cold" ? `, of which ${kb(pick("widget", when, "snapshotBytes"))} is the memory snapshot, fetched once the engine is ready` : "") +
    `, (a) ${kb(pick("bare", when, "bytes"))}, (b) ${kb(pick("shipped", when, "bytes"))}`);
  console.log(`        memory snapshot: restored on ${results.widget[when].filter((r) => r.fromSnapshot).length} of ${RUNS} visits;` +
    ` without it (the server refusing it) the first Python answer comes at ${s(pick("widgetNoSnapshot", when, "answer"))}` +
    ` (engine ready ${s(pick("widgetNoSnapshot", when, "ready"))}), ${kb(pick("widgetNoSnapshot", when, "bytes"))} fetched`);
}
console.log(`  warm after a browser restart: engine ready ${s(pick("widget", "restarted", "ready"))},` +
  ` first Python answer ${s(pick("widget", "restarted", "answer"))}, ${kb(pick("widget", "restarted", "bytes"))} fetched`);
console.log(`  the same without Chromium's code cache (HTTP cache kept): engine ready ${s(pick("widget", "nocodecache", "ready"))},` +
  ` first Python answer ${s(pick("widget", "nocodecache", "answer"))}, ${kb(pick("widget", "nocodecache", "bytes"))} fetched`);
const shippedZip = statSync("node_modules/pyodide/python_stdlib.zip").size;
const archive = join(root, runtimeDir, "python_stdlib.zip");
const ours = Object.fromEntries(["", ".zst", ".br", ".gz"].map((suffix) => [suffix, existsSync(archive + suffix) ? statSync(archive + suffix).size : NaN]));

const { loadPyodide } = await import(resolve("node_modules/pyodide/pyodide.mjs"));
const runtimeOptions = () => ({ indexURL: resolve("node_modules/pyodide") + "/",
  stdLibURL: join(root, runtimeDir, "python_stdlib.zip"), lockFileURL: join(root, runtimeDir, "pyodide-lock.json") });
// The archive against the npm package's, counted three ways, read by Pyodide's own zipfile.
const counter = await loadPyodide(runtimeOptions());
counter.FS.writeFile("/tmp/ours.zip", readFileSync(join(root, runtimeDir, "python_stdlib.zip")));
counter.FS.writeFile("/tmp/npm.zip", readFileSync("node_modules/pyodide/python_stdlib.zip"));
const [ourModules, npmModules, ourRaw, npmRaw] = counter.runPython(`
import zipfile
def count(path):
    infos = [i for i in zipfile.ZipFile(path).infolist() if i.filename.endswith((".py", ".pyc"))]
    return len(infos), sum(i.file_size for i in infos)
ours, npm = count("/tmp/ours.zip"), count("/tmp/npm.zip")
[ours[0], npm[0], ours[1], npm[1]]
`).toJs();
const pct = (a, b) => `${((100 * a) / b).toFixed(1)}%`;
console.log(`standard library shipped: ${kb(ours[".zst"])} with zstd = ${pct(ours[".zst"], shippedZip)} of the npm package's python_stdlib.zip` +
  ` (${kb(shippedZip)}; target < 25%); ${kb(ours[".br"])} with brotli = ${pct(ours[".br"], shippedZip)}; ${kb(ours[".gz"])} with gzip = ${pct(ours[".gz"], shippedZip)};` +
  ` ${kb(ours[""])} from a server that compresses nothing = ${pct(ours[""], shippedZip)};` +
  ` ${ourModules} of its ${npmModules} modules (${pct(ourModules, npmModules)}),` +
  ` ${kb(ourRaw)} of ${kb(npmRaw)} uncompressed (${pct(ourRaw, npmRaw)})`);
rmSync(root, { recursive: true, force: true });
