// Clausebook's guidance engine in a module Web Worker: Python (the self-hosted Pyodide) starts
// here, off the page's main thread, so a tap is never held up while it starts.
//
// Messages, JSON only:
//   page -> worker  {start: {engineDir, wheel, bundle, entry, keepCopies}}   once, first
//                   {id, call: "<function of the entry module>", args: [...]}
//   worker -> page  {ready: {from: "start" | "snapshot"}}  or  {failed: "<why>"}
//                   {id, result} or {id, error: "<why>"}
//                   {snapshotCached: true}  (the memory snapshot is kept for the next visit)
//                   {warning: "<text>"}     (for the page's console)
//
// Small from any server: the build writes a gzip copy beside each large file (name.gz). Chromium's
// DecompressionStream decodes gzip (measured in Chromium 156: gzip, deflate and deflate-raw; not
// brotli, not zstd), so when the server sent pyodide.mjs as it is (it compresses nothing) the worker
// fetches the .gz copies and decodes them itself. When the server compresses, its Content-Encoding
// is used (zstd from make serve or nginx: smaller, and decoded by the browser's network code).

const COPIES = new Set(["pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]);
const TYPES = { wasm: "application/wasm", mjs: "text/javascript", zip: "application/zip", bin: "application/octet-stream" };
const SNAPSHOT = "snapshot.bin";
// Cache Storage, shared with the service worker (clausebook-sw.js): one cache per runtime folder.
const CACHE_PREFIX = "clausebook-engine-";

const plainFetch = globalThis.fetch.bind(globalThis);
let engine = null;

addEventListener("message", ({ data }) => {
  if (data.start) {
    engine = start(data.start);
    engine.then(({ from }) => postMessage({ ready: { from } }), (error) => postMessage({ failed: describe(error) }));
    return;
  }
  const { id, call, args } = data;
  (engine ?? Promise.reject(new Error("the engine was not started")))
    .then(({ python }) => postMessage({ id, result: JSON.parse(python.call(call, JSON.stringify(args))) }))
    .catch((error) => postMessage({ id, error: describe(error) }));
});

function describe(error) {
  return String(error?.message ?? error).slice(0, 2000);
}

/** The runtime folder's files, from the cache, the server's own compression, or a .gz decoded here. */
class EngineFiles {
  constructor(folder, keepCopies) {
    this.folder = folder; // absolute, ending in "/"
    this.decodeHere = false;
    this.cache = keepCopies && globalThis.caches
      ? caches.open(CACHE_PREFIX + folder.split("/").at(-2)).catch(() => null)
      : Promise.resolve(null);
  }

  // pyodide.mjs came first: if the server sent it as it is, it compresses nothing.
  decideFrom(entry) {
    this.decodeHere = !entry || !(entry.encodedBodySize > 0 && entry.encodedBodySize < entry.decodedBodySize);
  }

  urlOf(name) {
    return this.folder + name + (this.decodeHere && COPIES.has(name) ? ".gz" : "");
  }

  /** The file as a Response of its own bytes: the copy kept, else from the server (and kept). */
  async get(name) {
    const cache = await this.cache;
    const kept = cache && (await cache.match(this.folder + name));
    if (kept) return kept;
    const url = this.urlOf(name);
    let response = await plainFetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    if (url.endsWith(".gz")) response = decoded(response, name);
    // Kept as it is used, decoded, so a later visit decodes nothing (as when the server's
    // Content-Encoding did it). Not awaited: Pyodide compiles the runtime as it arrives.
    if (cache) cache.put(this.folder + name, response.clone()).catch(() => {});
    return response;
  }

  async forget(name) {
    const cache = await this.cache;
    if (cache) await cache.delete(this.folder + name);
  }
}

function decoded(response, name) {
  const type = TYPES[name.split(".").pop()] ?? "application/octet-stream";
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip")), { headers: { "content-type": type } });
}

async function start({ engineDir, wheel, bundle, entry, keepCopies }) {
  const folder = engineDir.endsWith("/") ? engineDir : `${engineDir}/`;
  const files = new EngineFiles(folder, keepCopies);
  const { loadPyodide } = await import(`${folder}pyodide.mjs`);
  files.decideFrom(performance.getEntriesByName(`${folder}pyodide.mjs`)[0]);
  // Asked for first: nothing starts until it has arrived and run, and the large files below
  // would otherwise hold up its arrival (measured: 130 ms on loopback).
  const asm = files.get("pyodide.asm.mjs").then((r) => r.text())
    .then((text) => import(URL.createObjectURL(new Blob([text], { type: "text/javascript" }))));
  // Pyodide fetches the runtime, the archive and the lock file with fetch(): from here, they come
  // from the cache or decoded from their .gz copy when the server does not compress.
  // The two large files are asked for at once, not once pyodide.asm.mjs has arrived and Pyodide
  // asks for them: on a slow network the link is never idle.
  const early = new Map(["pyodide.asm.wasm", "python_stdlib.zip"].map((name) => [name, files.get(name)]));
  for (const pending of early.values()) pending.catch(() => {}); // reported when Pyodide uses it
  globalThis.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(folder)) return plainFetch(input, init);
    const name = url.slice(folder.length);
    const answer = early.get(name) ?? files.get(name);
    early.delete(name);
    return answer;
  };
  const options = { indexURL: folder, lockFileURL: `${folder}pyodide-lock.json`, fullStdLib: false };
  const cache = await files.cache;
  const saved = cache ? cache.match(folder + SNAPSHOT).then((r) => r && r.arrayBuffer()).catch(() => null) : null;
  // Where copies are kept, a start makes the memory snapshot itself (_makeSnapshot), for the next
  // visit to restore: fetching the build's would cost 4 MB more on a first visit from a plain server.
  const runtime = Promise.all([asm, saved]).then(async ([module, restorable]) => {
    const settings = { ...options, createPyodideModule: module.default };
    if (restorable) {
      try {
        return [await loadPyodide({ ...settings, _loadSnapshot: restorable }), "snapshot"];
      } catch (error) {
        // Said on the page, where the browser's console shows it beside the page's own messages.
        postMessage({ warning: `Clausebook: the saved Python could not be restored; starting it instead: ${describe(error)}` });
        await files.forget(SNAPSHOT);
      }
    }
    return [await loadPyodide({ ...settings, _makeSnapshot: Boolean(cache) }), "start"];
  });
  const fetched = (url) => plainFetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response;
  });
  // The wheel is fetched while the runtime starts and unpacked (Pyodide's loader would fetch it
  // only once started, and import tarfile to install it). A restored snapshot holds the engine's
  // modules but not its files, so the wheel is unpacked either way.
  const [[pyodide, from], archive, text] = await Promise.all([
    runtime,
    files.get(wheel).then((response) => response.arrayBuffer()),
    fetched(bundle).then((response) => response.text()),
  ]);
  pyodide.unpackArchive(archive, "wheel");
  const python = pyodide.pyimport(entry);
  python.call("load", `[${text}]`);
  if (from === "start" && cache) {
    // Taken once the engine is ready, for the next visit; never on the way to it (measured: 50 ms
    // of a first visit's start). A later visit to any tool's page loads its own bundle over the
    // one this holds.
    setTimeout(() => {
      const memory = pyodide.makeMemorySnapshot();
      cache.put(folder + SNAPSHOT, new Response(memory, { headers: { "content-type": TYPES.bin } }))
        .then(() => postMessage({ snapshotCached: true }))
        .catch(() => {}); // only a later visit's speed is at stake
    }, 200);
  }
  return { python, from };
}
