// Clausebook's service worker: the site keeps working offline after one visit.
//
// The build writes this file at the site's root (its scope is the whole site) with the build's
// stamp below, so a new build is a new service worker: the browser installs it on the next visit,
// and it fetches the new build's list of files (clausebook-offline.json) and forgets the old ones.
//
// - Pages, the manifest and everything else that may change: asked of the server first, every
//   time (a reader never sees an old page while the server answers: the version in force is the
//   one the server's clausebook.json names); the copy kept is used only when the server cannot be
//   reached.
// - The runtime's folder (_static/pyodide/<content hash>/) never changes: kept copies are used
//   first. The engine's worker puts the runtime there itself as it fetches it.
// - Nothing from another origin is fetched or kept.
//
// A site that must not keep copies sets clausebook_offline = False in conf.py: the pages then
// remove this service worker and its caches.
const BUILD = "__CLAUSEBOOK_BUILD__";
const SITE_CACHE = "clausebook-site";
const ENGINE_CACHE_PREFIX = "clausebook-engine-";
const LIST = "clausebook-offline.json";
const IMMUTABLE = /\/_static\/pyodide\/([0-9a-f]{16})\//;
const root = new URL("./", self.location.href);

// A reader may close the page or lose the network before every copy is kept: the install still
// succeeds with the copies that arrived (a failed install would keep none of them), and each later
// page asks for the rest ("keep-copies").
self.addEventListener("install", (event) => {
  event.waitUntil(keepCopies().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", (event) => {
  if (event.data === "keep-copies") event.waitUntil(keepCopies());
});

// One run at a time: the install and the page's "keep-copies" may ask at once, and a second run
// started meanwhile would find half the copies and could write the list before the rest is kept.
let keeping = null;
function keepCopies() {
  keeping ??= keepCopiesNow().finally(() => { keeping = null; });
  return keeping;
}

// The build's files, fetched when a copy is missing or its content hash changed; then the copies of
// files the build no longer has, and older runtimes, are forgotten. The list kept names only the
// copies kept, so a file that could not be fetched this time is fetched next time.
async function keepCopiesNow() {
  const response = await fetch(new URL(LIST, root), { cache: "no-cache" });
  if (!response.ok) return;
  const list = await response.json();
  const cache = await caches.open(SITE_CACHE);
  const kept = await cache.match(new URL(LIST, root));
  const before = kept ? (await kept.json()).files : {};
  const fetches = [];
  const now = {}; // path: hash, of the copies kept
  for (const [path, hash] of Object.entries(list.files)) {
    const url = new URL(path, root).href;
    if (before[path] === hash && (await cache.match(url))) {
      now[path] = hash;
      continue;
    }
    fetches.push(fetchCopy(list, path, hash, url).then(async (answer) => {
      if (!answer.ok) return;
      await cache.put(url, answer);
      now[path] = hash;
    }));
  }
  const engineName = ENGINE_CACHE_PREFIX + (new URL(list.engine, root).pathname.match(IMMUTABLE)?.[1] ?? "none");
  const engine = await caches.open(engineName);
  for (const path of list.engine_files) {
    const url = new URL(path, root).href;
    if (!(await engine.match(url))) {
      // Content-hashed, so never stale: the browser's own copy (the engine's worker imported
      // pyodide.mjs from it a moment ago) rather than another request.
      fetches.push(fetch(url, { cache: "force-cache" }).then((answer) => answer.ok && engine.put(url, answer)));
    }
  }
  await Promise.allSettled(fetches);
  const keptList = JSON.stringify({ ...list, files: now });
  await cache.put(new URL(LIST, root), new Response(keptList, { headers: { "content-type": "application/json" } }));
  for (const path of Object.keys(before)) {
    if (!(path in list.files)) await cache.delete(new URL(path, root).href); // gone from the site
  }
  for (const name of await caches.keys()) {
    if (name.startsWith(ENGINE_CACHE_PREFIX) && name !== engineName) {
      await caches.delete(name);
    }
  }
}

// A text file from its gzip copy (named by its content hash, so any cached copy is the right
// one), decoded here: a server that compresses nothing still sends it small. Its own address when
// there is no copy, or the copy cannot be fetched (an older build's list, a server refusing .gz).
async function fetchCopy(list, path, hash, url) {
  const type = list.copy_types?.[path.match(/\.[^./]*$/)?.[0] ?? ""];
  const seen = await alreadyFetched(url, hash);
  if (seen) return seen;
  if (list.copies && type && globalThis.DecompressionStream) {
    try {
      const copy = await fetch(new URL(`${list.copies}${hash}.gz`, root));
      if (copy.ok) {
        // A server that labels .gz files "Content-Encoding: gzip" had them decoded by the browser.
        const body = /gzip/.test(copy.headers.get("content-encoding") ?? "")
          ? copy.body
          : copy.body.pipeThrough(new DecompressionStream("gzip"));
        // Read whole before it is kept: a broken copy is refused here, not served offline later.
        const bytes = await new Response(body).arrayBuffer();
        return new Response(bytes, { headers: { "content-type": type } });
      }
    } catch {
      // fetched as it is, below
    }
  }
  return fetch(url, { cache: "no-cache" });
}

// The page this service worker came from, and its styles and scripts, were fetched a moment ago
// (before it was in charge): the browser's own copy is used when its content hash is the build's,
// rather than fetching it again, compressed or not.
async function alreadyFetched(url, hash) {
  try {
    const cached = await fetch(url, { cache: "only-if-cached", mode: "same-origin" });
    if (!cached.ok) return null;
    const bytes = await cached.arrayBuffer();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = [...digest.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    if (hex !== hash) return null;
    return new Response(bytes, { headers: { "content-type": cached.headers.get("content-type") ?? "application/octet-stream" } });
  } catch {
    return null; // not in the browser's cache
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || !url.href.startsWith(root.href)) return;
  event.respondWith(IMMUTABLE.test(url.pathname) ? keptFirst(request) : serverFirst(request));
});

async function keptFirst(request) {
  const kept = await caches.match(request, { ignoreSearch: true });
  return kept ?? fetch(request);
}

async function serverFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && !request.headers.has("range")) {
      const copy = response.clone();
      caches.open(SITE_CACHE).then((cache) => cache.put(pageKey(request.url), copy)).catch(() => {});
    }
    return response;
  } catch (offline) {
    const kept = await caches.match(pageKey(request.url), { ignoreSearch: true });
    if (kept) return kept;
    throw offline;
  }
}

// A page is kept under its address without the part after #, and a folder under its index.html.
function pageKey(address) {
  const url = new URL(address);
  url.hash = "";
  if (url.pathname.endsWith("/")) url.pathname += "index.html";
  return url.href;
}

void BUILD; // the stamp only makes each build's service worker a new one
