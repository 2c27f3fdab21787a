// Shared by the browser tests: a static server for the built site and a headless Chromium.
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, readFileSync, statSync, existsSync, rmSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

export const SITE = resolve(process.env.CLAUSEBOOK_SITE ?? "_build/html");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm",
  ".zip": "application/zip", ".whl": "application/zip", ".svg": "image/svg+xml",
  ".png": "image/png", ".pdf": "application/pdf", ".tar": "application/x-tar",
};

/** Serve `root` on a free loopback port, as any static web server would. While `cut(path)` is
 *  true, a request for that path has its connection dropped, as a failing network does. */
export async function serveSite(root = SITE, { cut = () => false } = {}) {
  const served = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    if (cut(path)) { request.socket.destroy(); return; }
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) { response.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) { response.writeHead(404).end("not found"); return; }
    const body = readFileSync(file);
    served.push({ path, bytes: body.length });
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(body);
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  const base = `http://127.0.0.1:${server.address().port}/`;
  // Closing ends kept-alive connections too: after it, nothing at all answers at this address.
  return { base, served, close: () => new Promise((done) => { server.close(done); server.closeAllConnections(); }) };
}

/** A headless Chromium with a fresh profile, as the project's tests require. */
export async function launch({ javaScript = true, viewport = { width: 1200, height: 900 }, serviceWorkers = "allow" } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "clausebook-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"],
    javaScriptEnabled: javaScript,
    viewport,
    serviceWorkers,
  });
  const outside = [];
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("http://127.0.0.1:") && !url.startsWith("data:") && !url.startsWith("blob:")) outside.push(url);
  });
  return {
    context,
    outside,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/** axe-core's findings on the page now shown, at every impact (minor and moderate too). */
export async function accessibilityProblems(page) {
  // Evaluated, not injected as a <script>: the site's Content-Security-Policy rightly blocks inline scripts.
  await page.evaluate(readFileSync("node_modules/axe-core/axe.min.js", "utf8"));
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

export function manifest(root = SITE) {
  return JSON.parse(readFileSync(join(root, "clausebook.json"), "utf8"));
}

// `make serve`'s own handler (clausebook.commands.serve.Handler), which sends the cache headers the
// README recommends; it prints each request it answers.
const MAKE_SERVE = `
import functools, http.server, sys
from clausebook.commands.serve import Handler

class Logged(Handler):
    def log_request(self, code="-", size="-"):
        # One write per line: print() writes in pieces, which threads would interleave.
        sys.stdout.write(f"{int(code)} {self.path.split('?')[0]}\\n")
        sys.stdout.flush()

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Logged, directory=sys.argv[1]))
print("port", server.server_address[1], flush=True)
server.serve_forever()
`;

/** The site served as `make serve` serves it; `requests` lists [status, path] as they come. */
export async function serveLikeMakeServe(root = SITE) {
  const python = process.env.CLAUSEBOOK_PYTHON ?? ".venv/bin/python";
  const child = spawn(python, ["-c", MAKE_SERVE, root], { stdio: ["ignore", "pipe", "inherit"] });
  const requests = [];
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((found, failed) => {
    child.on("exit", (code) => failed(new Error(`make serve's handler exited with ${code}`)));
    lines.on("line", (line) => {
      const [first, second] = line.split(" ");
      if (first === "port") found(Number(second));
      else requests.push([Number(first), second]);
    });
  });
  return {
    base: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((done) => { child.removeAllListeners("exit"); child.on("exit", done); child.kill(); }),
  };
}
