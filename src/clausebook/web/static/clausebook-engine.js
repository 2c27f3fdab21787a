// The page's side of the guidance engine: Python runs in a Web Worker (clausebook-worker.js), and
// the page only sends it calls and receives views, as JSON. Nothing here blocks the main thread.
//
//   const engine = await startEngine({engineDir, wheel, bundle, timeout});
//   engine.from;                                  // "start" or "snapshot"
//   await engine.call("tree_view", "role:employee"); // a function of the engine's entry module
//
// Marks for the browser's Performance panel, the tests and tools/bench_widget.mjs.
export const READY_MARK = "clausebook:engine-ready";
export const SNAPSHOT_CACHED_MARK = "clausebook:snapshot-cached";
// The Python module whose functions the worker calls (clausebook/interactive/entry.py).
const ENTRY = "clausebook.interactive.entry";

/** Whether this site keeps copies for offline reading (clausebook_offline in conf.py). */
export function keepsCopies() {
  return document.querySelector('meta[name="clausebook-offline"]')?.content === "on";
}

// Staff must see a plain message within 10 s of opening the page, never a silent spinner;
// the page itself takes a moment before this script runs.
export const TIMEOUT_MS = 8000;

let pageStart = null;

/** The engine of this page's guidance tool, started once, as soon as this module runs: the page
 *  names it in its head (<meta name="clausebook-engine">) and loads this module from there, so
 *  Python starts while the page's body is still arriving. Null on a page with no tool. */
export function pageEngine() {
  const named = document.querySelector('meta[name="clausebook-engine"]');
  if (!pageStart && named) {
    const { engineDir, engineWheel, bundle } = named.dataset;
    pageStart = startEngine({ engineDir, wheel: engineWheel, bundle, timeout: TIMEOUT_MS });
    pageStart.catch(() => {}); // the widget says why, once its regions are there
  }
  return pageStart;
}

export function startEngine({ engineDir, wheel, bundle, timeout }) {
  const absolute = (url) => new URL(url, location.href).href;
  const worker = new Worker(new URL(`clausebook-worker.js${new URL(import.meta.url).search}`, import.meta.url), { type: "module", name: "clausebook-engine" });
  const pending = new Map();
  let next = 0;
  const ready = new Promise((resolve, reject) => {
    const fail = (error) => {
      clearTimeout(timer);
      worker.terminate();
      for (const { reject: refuse } of pending.values()) refuse(error);
      reject(error);
    };
    // Several failures hang rather than throw (a server that sends .wasm with the wrong type):
    // staff must see a plain message, never a silent spinner.
    const timer = setTimeout(() => fail(new Error(`no answer after ${timeout / 1000} s`)), timeout);
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      fail(new Error(event.message || "the engine's worker could not start"));
    });
    worker.addEventListener("message", ({ data }) => {
      if (data.ready) {
        clearTimeout(timer);
        resolve(data.ready.from);
      } else if (data.failed) {
        fail(new Error(data.failed));
      } else if (data.snapshotCached) {
        performance.mark(SNAPSHOT_CACHED_MARK);
      } else if (data.warning) {
        console.warn(data.warning);
      } else if (pending.has(data.id)) {
        const { resolve: answer, reject: refuse } = pending.get(data.id);
        pending.delete(data.id);
        if ("error" in data) refuse(new Error(data.error));
        else answer(data.result);
      }
    });
  });
  worker.postMessage({
    start: { engineDir: absolute(`${engineDir}/`), wheel, bundle: absolute(bundle), entry: ENTRY, keepCopies: keepsCopies() },
  });
  const call = (name, ...args) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, call: name, args });
  });
  return ready.then((from) => {
    performance.mark(READY_MARK);
    return { from, call };
  });
}

pageEngine();
