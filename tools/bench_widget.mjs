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
// as built (a first visit starts Python and keeps a memory snapshot of its start, which later
// visits restore) and with the pages saying the site keeps no copies (so no snapshot is kept). Bytes are counted at the server, as sent
// (compressed where the build left a compressed copy; COMPRESS=0 sends every file as it is),
// which sends the cache headers the README recommends (immutable for content-hashed files, ETag
// and 304 for the rest).
//
// Then the profiles (PROFILES=desktop,phone,network): desktop on loopback; a phone-like CPU
// (Emulation.setCPUThrottlingRate 4) on loopback; and that CPU on a 20 Mbit/s, 40 ms network
// (Network.emulateNetworkConditions, and the same limits applied by this server, since DevTools'
// emulation was thought not to reach a worker's requests: measured in Chromium 156, the page's
// network conditions do slow its dedicated worker's fetches, while Emulation.setCPUThrottlingRate
// cannot be set on a worker at all ("only supported for pages"), so the engine's worker runs at the
// machine's full speed in the phone profile). Each from a plain server (SERVERS=plain: sends
// every file as it is, like python -m http.server), a server sending the build's gzip copies
// as Content-Encoding (gzip), and make serve (zstd: the build's zstd copies, as make serve and
// nginx send them). Measured on the page: the first question painted, the engine ready, the main
// thread's total blocking time (long tasks over 50 ms, PerformanceObserver, until 2 s after ready,
// so the snapshot's background fetch counts) and its longest task, the time from a tap on the
// first answer made as soon as the first question is painted to the next question shown, the
// slowest of further taps made every 300 ms until the engine is ready, and bytes sent.
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
const sent = []; // [when the request came (ms since the epoch), bytes]
// While measuring the widget as it would be without the memory snapshot: the pages say the site
// keeps no copies (clausebook_offline = False), so the engine's worker keeps no snapshot.
let snapshotOff = false;
// "zstd" (make serve), "gzip" (the .gz copies as Content-Encoding) or "plain" (every file as it is).
let serving = COMPRESS ? "zstd" : "plain";
// A 20 Mbit/s, 40 ms network shared by every request (null: loopback).
let network = null;
let linkFreeAt = 0;
async function shaped(response, status, headers, body) {
  const link = network; // as it was when the request came
  if (!link) { response.writeHead(status, headers).end(body); return; }
  await new Promise((done) => setTimeout(done, link.latency));
  const start = Math.max(Date.now(), linkFreeAt);
  linkFreeAt = start + (body.length * 8) / link.bitsPerMs;
  response.writeHead(status, headers);
  const chunk = 64 * 1024;
  for (let sent = 0; sent < body.length; sent += chunk) {
    const due = start + ((sent + chunk) * 8) / link.bitsPerMs;
    await new Promise((done) => setTimeout(done, Math.max(0, due - Date.now())));
    response.write(body.subarray(sent, sent + chunk));
  }
  response.end();
}
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  let file = normalize(join(root, path));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!file.startsWith(root) || !existsSync(file)) { response.writeHead(404).end(); return; }
  // The build's compressed copy to a browser that accepts it, as make serve and nginx's
  // zstd_static / brotli_static / gzip_static send it.
  const accepts = request.headers["accept-encoding"] ?? "";
  const codings = { zstd: [["zstd", ".zst"], ["br", ".br"], ["gzip", ".gz"]], gzip: [["gzip", ".gz"]], plain: [] }[serving];
  const coding = codings.find(([name, suffix]) => accepts.includes(name) && existsSync(file + suffix));
  let body = readFileSync(coding ? file + coding[1] : file);
  if (snapshotOff && !coding && file.endsWith(".html")) {
    body = Buffer.from(body.toString("utf8").replace('<meta name="clausebook-offline" content="on">', '<meta name="clausebook-offline" content="off">'));
  }
  const etag = `"${createHash("sha1").update(body).digest("hex")}"`;
  const immutable = /\/_static\/pyodide\/[0-9a-f]{16}\//.test(path);
  const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", etag,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ...(coding ? { "content-encoding": coding[0], vary: "Accept-Encoding" } : {}) };
  if (request.headers["if-none-match"] === etag) { shaped(response, 304, headers, Buffer.alloc(0)); return; }
  bytes += body.length;
  sent.push([Date.now(), body.length]);
  if (path.includes("/snapshot.bin")) snapshotBytes += body.length;
  shaped(response, 200, headers, body);
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
// ONLY_PROFILES=1: the profiles alone (below), without the yardsticks' cold, warm and code-cache runs.
const ONLY_PROFILES = process.env.ONLY_PROFILES === "1";
for (const [name, url] of ONLY_PROFILES ? [] : Object.entries(pages)) {
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

// ---- the profiles: phone CPU, slow network, plain server ----------------------------------
const PROFILES = {
  desktop: { cpu: 1, network: null },
  phone: { cpu: 4, network: null },
  network: { cpu: 4, network: { latency: 40, bitsPerMs: 20e6 / 1000 } },
};
const SERVERS = (process.env.SERVERS ?? "plain,gzip,zstd").split(",");
const chosenProfiles = (process.env.PROFILES ?? "desktop,phone,network").split(",");
// Where the network's limits are applied: DevTools' emulation (the page's own requests) and this
// server (every request, the engine's worker's too). SHAPING=cdp or server for one of them alone.
const SHAPING = process.env.SHAPING ?? "server";

// Installed before the page's own scripts: long tasks, and each tap on an answer until the next
// view is in the page and a frame has been drawn (the event's own time stamp, so a tap held up by
// a busy main thread counts from when it was made).
const OBSERVE = `
window.__cbLong = []; window.__cbTaps = []; window.__cbTapSpans = []; let tapAt = null;
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__cbLong.push([e.startTime, e.duration]); })
  .observe({ type: "longtask", buffered: true });
document.addEventListener("click", (event) => { if (event.target.closest && event.target.closest('[data-cb-widget="tree"] form .cb-check')) tapAt = event.timeStamp; }, true);
new MutationObserver(() => {
  if (tapAt === null || !document.querySelector(".cb-live")) return;
  const at = tapAt; tapAt = null;
  requestAnimationFrame(() => setTimeout(() => { window.__cbTaps.push(performance.now() - at); window.__cbTapSpans.push([at, performance.now()]); }, 0));
}).observe(document, { subtree: true, childList: true });`;

async function profiledVisit(context, url, profile, tap) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (profile.cpu > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
  if (profile.network && SHAPING !== "server") {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: profile.network.latency,
      downloadThroughput: (profile.network.bitsPerMs * 1000) / 8, uploadThroughput: (profile.network.bitsPerMs * 1000) / 8 });
  }
  network = profile.network && SHAPING !== "cdp" ? profile.network : null;
  const before = bytes;
  const visitStart = Date.now();
  await page.addInitScript(OBSERVE);
  await page.goto(base + url, { waitUntil: "commit" });
  const result = {};
  if (tap) {
    // The first answer ticked and Continue pressed as soon as the first question is painted (the
    // page's own, or the same question once the widget has put it in its place).
    const form = page.locator('[data-cb-widget="tree"] form').first();
    await form.locator("input").first().waitFor({ state: "visible", timeout: 30000 });
    await form.locator("input").first().check();
    await form.locator(".cb-check").click();
    await page.waitForFunction(() => window.__cbTaps.length >= 1, null, { timeout: 30000 });
    // Further taps while Python starts ("Start again", then the first answer again), every 300 ms.
    while (await page.locator('[data-cb-widget][data-engine="loading"]').count()) {
      await page.waitForTimeout(300);
      const taps = await page.evaluate(() => window.__cbTaps.length);
      try {
        await page.locator(".cb-live .cb-restart").click({ timeout: 10000 });
        await page.waitForFunction(() => document.querySelector('[data-cb-widget="tree"]').dataset.step === "role");
        await page.locator(".cb-live form input").first().check({ timeout: 10000 });
        await page.locator(".cb-live form .cb-check").click({ timeout: 10000 });
        await page.waitForFunction((n) => window.__cbTaps.length > n, taps, { timeout: 30000 });
      } catch {
        break; // the engine gave up meanwhile (its message and the checklist took over)
      }
    }
    await page.waitForSelector('[data-cb-widget][data-engine="ready"], [data-cb-widget][data-engine="failed"]', { timeout: 60000 });
    if (await page.locator('[data-cb-widget][data-engine="failed"]').count()) {
      // The widget gave up (its 8 s limit): said, and left out of the medians.
      network = null;
      await page.close();
      return { failed: 1, bytes: bytes - before };
    }
    result.ready = await page.evaluate(() => performance.getEntriesByName("clausebook:engine-ready")[0].startTime);
    const readyAt = await page.evaluate((ready) => performance.timeOrigin + ready, result.ready);
    result.bytesToReady = sent.filter(([when]) => when >= visitStart && when <= readyAt).reduce((sum, [, n]) => sum + n, 0);
    await page.waitForTimeout(2000); // the snapshot's background fetch and the service worker's copies
    if (await page.locator('[data-engine-from="start"]').count()) {
      // Counted whole: a first visit ends once the snapshot and the offline copies are kept.
      await page.waitForFunction(() => performance.getEntriesByName("clausebook:snapshot-cached").length, null, { timeout: 60000 });
      // Polled from here: waitForFunction would take an async check's promise for a yes at once.
      const listKept = () => caches.open("clausebook-site").then((cache) => cache.match(new URL("/clausebook-offline.json", location.href).href)).then(Boolean);
      for (const end = Date.now() + 60000; Date.now() < end && !(await page.evaluate(listKept)); await page.waitForTimeout(200));
    }
    const seen = await page.evaluate(() => ({
      paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      taps: window.__cbTaps, long: window.__cbLong, spans: window.__cbTapSpans,
    }));
    // The engine's start alone: the work of showing the bench's own taps is counted apart.
    const inTap = ([start]) => seen.spans.some(([from, to]) => start >= from - 5 && start <= to);
    const counted = seen.long.filter((task) => task[0] <= result.ready + 2000 && !inTap(task));
    result.tbtWithTaps = seen.long.filter(([start]) => start <= result.ready + 2000)
      .reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0);
    Object.assign(result, {
      question: seen.paint,
      tbt: counted.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0),
      longest: Math.max(0, ...counted.map(([, duration]) => duration)),
      tap: seen.taps[0],
      worstTap: Math.max(...seen.taps),
      // The widget's own measure of the same taps: from its click handler to the new view in the page.
      handled: await page.evaluate(() => Math.max(...performance.getEntriesByName("clausebook:answer").map((m) => m.duration))),
      from: await page.locator("[data-cb-widget]").first().getAttribute("data-engine-from"),
    });
  } else if (url === pages.floor || !url.startsWith("/bench/")) {
    result.ready = await page.evaluate(() => new Promise((done) => {
      new PerformanceObserver((list) => done(list.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
    }));
    await page.waitForTimeout(2000); // the page's own work after its first paint
    result.tbt = await page.evaluate(() => window.__cbLong.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0));
  } else {
    result.ready = await page.waitForFunction(() => window.done, null, { timeout: 120000 }).then((h) => h.jsonValue());
  }
  network = null;
  await page.close();
  return { ...result, bytes: bytes - before };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const TARGETS = {
  desktop: { question: 200, tbt: 50, readyRatio: 1.2 },
  phone: { question: 500, tbt: 200, tap: 100 },
  network: { question: 800, ready: 4000, bytes: 5 * 2 ** 20 },
};
const med = (list, key) => median(list.filter((r) => !r.failed).map((r) => r[key]));
const failures = (list) => list.filter((r) => r.failed).length;
function report(key, runs) {
  const [name] = key.split("/");
  const target = TARGETS[name];
  const cold = runs.cold;
  if (failures(cold) || failures(runs.warm)) {
    console.log(`  ${key}: the engine gave up (8 s) on ${failures(cold)} cold and ${failures(runs.warm)} warm visits of ${RUNS}; medians of the others`);
  }
  const ready = med(cold, "ready");
  const bare = med(runs.bareCold, "ready");
  console.log(`  ${key} cold: first question ${s(med(cold, "question"))} (target <= ${s(target.question)}; same run: a page with no script ${s(med(runs.floor, "ready"))}, the policy's own first page ${s(med(runs.sitePage, "ready"))}),` +
    ` Python ready ${s(ready)} = ${(ready / bare).toFixed(2)}x the bare runtime's ${s(bare)}` +
    `${target.readyRatio ? ` (target <= ${target.readyRatio})` : ""}${target.ready ? ` (target <= ${s(target.ready)})` : ""},` +
    ` total blocking time ${med(cold, "tbt").toFixed(0)} ms (longest task ${med(cold, "longest").toFixed(0)} ms)${target.tbt ? ` (target <= ${target.tbt} ms)` : ""}` +
    ` (the policy's own first page, no tools on it: ${med(runs.sitePage, "tbt").toFixed(0)} ms;` +
    ` with the work of showing the taps below: ${med(cold, "tbtWithTaps").toFixed(0)} ms),` +
    ` tap at first paint -> next question drawn ${med(cold, "tap").toFixed(0)} ms, slowest tap while Python starts ${med(cold, "worstTap").toFixed(0)} ms${target.tap ? ` (target <= ${target.tap} ms)` : ""}` +
    ` (the widget's own handling, click to new view: at most ${med(cold, "handled").toFixed(0)} ms),` +
    ` ${kb(med(cold, "bytesToReady"))} sent until Python was ready${target.bytes ? ` (target <= ${kb(target.bytes)})` : ""}, ${kb(med(cold, "bytes"))} in all` +
    ` (with the memory snapshot and the offline copies, fetched after ready)`);
  const warm = runs.warm;
  const warmReady = med(warm, "ready");
  const bareWarm = med(runs.bareWarm, "ready");
  console.log(`  ${key} warm: engine from ${warm.map((r) => r.from).join(",")}; Python ready ${s(warmReady)} = ${(warmReady / bareWarm).toFixed(2)}x` +
    ` the bare runtime's warm ${s(bareWarm)} (target <= 0.6), total blocking time ${med(warm, "tbt").toFixed(0)} ms, ${kb(med(warm, "bytes"))} sent (target 0 KB)`);
}

const profiled = {};
console.log(`profiles (${RUNS} runs each, median; the machine is shared, so figures are noisy; network shaping: ${SHAPING})`);
for (const name of chosenProfiles) {
  const profile = PROFILES[name];
  for (const mode of SERVERS) {
    serving = mode;
    const runs = { cold: [], warm: [], bareCold: [], bareWarm: [], floor: [], sitePage: [] };
    for (let run = 0; run < RUNS; run++) {
      const profileDir = mkdtempSync(join(tmpdir(), "bench-profile-"));
      const context = await launch(profileDir);
      runs.cold.push(await profiledVisit(context, pages.widget, profile, true));
      runs.warm.push(await profiledVisit(context, pages.widget, profile, true));
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
      const bareDir = mkdtempSync(join(tmpdir(), "bench-profile-"));
      const bareContext = await launch(bareDir);
      runs.bareCold.push(await profiledVisit(bareContext, pages.bare, profile, false));
      runs.bareWarm.push(await profiledVisit(bareContext, pages.bare, profile, false));
      runs.floor.push(await profiledVisit(bareContext, pages.floor, profile, false));
      runs.sitePage.push(await profiledVisit(bareContext, `/${policy.url}`, profile, false));
      await bareContext.close();
      rmSync(bareDir, { recursive: true, force: true });
    }
    profiled[`${name}/${mode}`] = runs;
    report(`${name}/${mode}`, runs);
  }
}
serving = COMPRESS ? "zstd" : "plain";
server.close();

const pick = (name, when, key) => median(results[name][when].map((r) => r[key]));

if (!ONLY_PROFILES) {
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
    (when === "cold" ? `, of which ${kb(pick("widget", when, "snapshotBytes"))} is a memory snapshot (none: the worker makes it)` : "") +
    `, (a) ${kb(pick("bare", when, "bytes"))}, (b) ${kb(pick("shipped", when, "bytes"))}`);
  console.log(`        memory snapshot: restored on ${results.widget[when].filter((r) => r.fromSnapshot).length} of ${RUNS} visits;` +
    ` without it (the pages saying the site keeps no copies) the first Python answer comes at ${s(pick("widgetNoSnapshot", when, "answer"))}` +
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

}

rmSync(root, { recursive: true, force: true });
