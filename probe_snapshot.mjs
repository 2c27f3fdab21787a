import { createServer } from "node:http";
import { readFileSync, existsSync, statSync, writeFileSync, mkdtempSync, readdirSync } from "node:fs";
import { join, resolve, extname, normalize } from "node:path";
import { tmpdir } from "node:os";
import { brotliCompressSync, constants } from "node:zlib";
import { chromium } from "playwright-core";
const SITE = resolve("_build/html");
const eng = readdirSync(join(SITE, "_static/pyodide"))[0];
const RT = join(SITE, "_static/pyodide", eng);
const wheel = readdirSync(RT).find((f) => f.endsWith(".whl"));
const bundlePath = "/social-media/1.0/guidance.json";
const { loadPyodide } = await import(resolve("node_modules/pyodide/pyodide.mjs"));
const maker = await loadPyodide({ indexURL: RT + "/", stdLibURL: join(RT, "python_stdlib.zip"), lockFileURL: join(RT, "pyodide-lock.json"), _makeSnapshot: true });
maker.unpackArchive(new Uint8Array(readFileSync(join(RT, wheel))), "wheel");
maker.pyimport("clausebook.interactive.views");
const snap = maker.makeMemorySnapshot();
const snapBr = brotliCompressSync(snap, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
console.log("snapshot", snap.length, "br q9", snapBr.length);
const tmp = mkdtempSync(join(tmpdir(), "snap-"));
writeFileSync(join(tmp, "snapshot.bin"), snap); writeFileSync(join(tmp, "snapshot.bin.br"), snapBr);
const page = (snapshot) => `<!doctype html><meta charset=utf-8><title>p</title><p>x</p><script type="module">
const rt = "/_static/pyodide/${eng}/";
const { loadPyodide } = await import(rt + "pyodide.mjs");
const [py, wheel, bundle] = await Promise.all([
  loadPyodide({ indexURL: new URL(rt, location.href).href, lockFileURL: new URL(rt + "pyodide-lock.json", location.href).href ${snapshot ? ', _loadSnapshot: fetch("/snap/snapshot.bin").then(r => r.arrayBuffer())' : ""} }),
  fetch(rt + "${wheel}").then(r => r.arrayBuffer()), fetch("${bundlePath}").then(r => r.text())]);
py.unpackArchive(wheel, "wheel");
const g = py.pyimport("clausebook.interactive.views").Guidance.from_json(bundle);
window.answer = JSON.parse(g.tree_view_json("0")); window.done = performance.now();
</script>`;
writeFileSync(join(SITE, "probe-plain.html"), page(false));
writeFileSync(join(SITE, "probe-snap.html"), page(true));
const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer((q, r) => {
  const p = decodeURIComponent(new URL(q.url, "http://x").pathname);
  let file = p.startsWith("/snap/") ? join(tmp, p.slice(6)) : normalize(join(SITE, p));
  if (!existsSync(file) || statSync(file).isDirectory()) { r.writeHead(404).end(); return; }
  const br = (q.headers["accept-encoding"] ?? "").includes("br") && existsSync(file + ".br");
  const h = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": p.startsWith("/_static/pyodide/") || p.startsWith("/snap/") ? "public, max-age=31536000, immutable" : "no-cache" };
  if (br) h["content-encoding"] = "br";
  r.writeHead(200, h).end(readFileSync(br ? file + ".br" : file));
}).listen(0, "127.0.0.1");
await new Promise((ok) => server.on("listening", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"];
const res = { plain: { cold: [], warm: [] }, snap: { cold: [], warm: [] } };
for (let i = 0; i < 5; i++) for (const kind of ["plain", "snap"]) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "prof-")), { executablePath: "/usr/bin/chromium", args: ARGS });
  for (const when of ["cold", "warm"]) {
    const pg = await ctx.newPage(); const errs = []; pg.on("pageerror", (e) => errs.push(String(e)));
    await pg.goto(`${base}/probe-${kind}.html`);
    const t = await pg.waitForFunction(() => window.done, null, { timeout: 30000 }).then((h) => h.jsonValue()).catch(() => "fail " + errs.join(";"));
    res[kind][when].push(t);
    if (i === 0 && when === "cold") console.log(kind, JSON.stringify(await pg.evaluate(() => window.answer)).slice(0, 120));
    await pg.close();
  }
  await ctx.close();
}
console.log(JSON.stringify(res));
const med = (a) => [...a].sort((x, y) => x - y)[2];
for (const k of ["plain", "snap"]) console.log(k, "cold", med(res[k].cold).toFixed(0), "warm", med(res[k].warm).toFixed(0));
server.close();
