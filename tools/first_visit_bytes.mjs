// The bytes of one first visit to the decision tree's page, request by request (not a test):
// `node tools/first_visit_bytes.mjs` after `make html`.
//
// The site is served as a plain static server sends it (python3 -m http.server: every file as it
// is, no Content-Encoding), and a new Chromium profile opens the tree's page and stays until the
// memory snapshot and the offline copies are kept, as a reader who stays on the page a while.
// Counted at the server, so the page's, the engine worker's and the service worker's requests all
// count. Bytes do not depend on the machine's load.
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const SITE = resolve(process.env.CLAUSEBOOK_SITE ?? "_build/html");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".zip": "application/zip",
  ".whl": "application/zip", ".svg": "image/svg+xml", ".png": "image/png", ".pdf": "application/pdf" };
const manifest = JSON.parse(readFileSync(join(SITE, "clausebook.json"), "utf8"));
const policy = manifest.policies.find((p) => p.tree);

const served = [];
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  let file = normalize(join(SITE, path));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!file.startsWith(SITE) || !existsSync(file)) { response.writeHead(404).end(); return; }
  const body = readFileSync(file);
  served.push({ path, bytes: body.length, at: Date.now() });
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
});
await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
const base = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), "first-visit-"));
const context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
const page = await context.newPage();
const start = Date.now();
await page.goto(`${base}/${policy.tree}`);
await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 30000 });
const readyAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName("clausebook:engine-ready")[0].startTime);
await page.waitForFunction(() => performance.getEntriesByName("clausebook:snapshot-cached").length, null, { timeout: 60000 });
const listKept = () => caches.open("clausebook-site").then((c) => c.match(new URL("/clausebook-offline.json", location.href).href)).then(Boolean);
for (const end = Date.now() + 60000; Date.now() < end && !(await page.evaluate(listKept)); await page.waitForTimeout(200));
await page.waitForTimeout(1000);
await context.close();
rmSync(profile, { recursive: true, force: true });
server.close();

const kb = (n) => `${(n / 1024).toFixed(0).padStart(6)} KB`;
const big = served.filter((s) => s.bytes >= Number(process.env.MIN_KB ?? 20) * 1024).sort((a, b) => a.at - b.at);
for (const s of big) console.log(`${kb(s.bytes)}  +${String(s.at - start).padStart(5)} ms  ${s.at <= readyAt ? "before ready" : "after ready "}  ${s.path}`);
const small = served.filter((s) => s.bytes < Number(process.env.MIN_KB ?? 20) * 1024);
console.log(`${kb(small.reduce((n, s) => n + s.bytes, 0))}  in ${small.length} smaller requests`);
const total = served.reduce((n, s) => n + s.bytes, 0);
const toReady = served.filter((s) => s.at <= readyAt).reduce((n, s) => n + s.bytes, 0);
console.log(`first visit: ${(total / 2 ** 20).toFixed(2)} MB in ${served.length} requests (${(toReady / 2 ** 20).toFixed(2)} MB until Python was ready); target 5 MB`);
