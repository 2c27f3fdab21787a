// Offline after one visit (clausebook_offline in conf.py, on unless a site turns it off): this
// registers the site's service worker (clausebook-sw.js, at the site's root) once the page has
// what it needs, so keeping copies never competes with the page or with Python's start.
// Turned off, it removes the service worker and every copy it kept.
const setting = document.querySelector('meta[name="clausebook-offline"]')?.content;
const root = new URL("../", import.meta.url); // this file is in _static/

async function forgetCopies() {
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    if (registration.scope === root.href) await registration.unregister();
  }
  for (const name of await caches.keys()) if (name.startsWith("clausebook-")) await caches.delete(name);
}

// After the page has loaded, and on a tool's page once its engine is ready (or has failed).
function settled() {
  const loaded = document.readyState === "complete"
    ? Promise.resolve()
    : new Promise((done) => addEventListener("load", done, { once: true }));
  return loaded.then(() => new Promise((done) => {
    const loading = () => document.querySelector('[data-cb-widget][data-engine="loading"]');
    if (!loading()) return done();
    const watch = new MutationObserver(() => loading() || (watch.disconnect(), done()));
    watch.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-engine"] });
  }));
}

if ("serviceWorker" in navigator && setting) {
  if (setting === "on") {
    // In a task of its own, after the engine's "ready" has been handled: registering starts the
    // service worker's install (traced on a phone-like CPU: 20 ms of that task's 90 ms).
    settled().then(() => new Promise((done) => setTimeout(done, 250)))
      .then(() => navigator.serviceWorker.register(new URL("clausebook-sw.js", root), { scope: root.href, type: "classic" }))
      .then((registration) => registration.active?.postMessage("keep-copies"))
      .catch((error) => console.warn("Clausebook: this site will not work offline here:", error));
  } else {
    forgetCopies().catch(() => {});
  }
}
