// Offline after one visit: the service worker (clausebook-sw.js) keeps the site's pages, and the
// engine's worker keeps the runtime and a memory snapshot of its own start; a new build is shown at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { SITE, serveSite, launch, manifest } from "./helpers.mjs";
import { loadVectors } from "../vectors/load.mjs";

const VECTORS = loadVectors();
const policy = manifest().policies.find((p) => p.id === VECTORS.policy);
const version = policy.versions.find((v) => v.status === "current");
const clauses = JSON.parse(readFileSync(join(SITE, version.clauses), "utf8")).clauses;

/** Until the service worker has kept every file the build lists and is the one in charge of the
 *  site's pages. Polled from here: page.waitForFunction takes the promise an async check returns
 *  for a truthy answer, so it would return at once, before the worker had finished installing
 *  (going offline then made its install fail, and the offline page came from the network). */
async function copiesKept(page, site = SITE, timeout = 30000) {
  const files = Object.keys(JSON.parse(readFileSync(join(site, "clausebook-offline.json"), "utf8")).files);
  const check = async (files) => {
    const root = new URL("../", document.querySelector('script[src*="clausebook-offline.js"]').src).href;
    const registration = await navigator.serviceWorker.getRegistration(root);
    if (registration?.active?.state !== "activated") return false;
    const cache = await caches.open("clausebook-site");
    const list = await cache.match(`${root}clausebook-offline.json`);
    if (!list) return false;
    // The worker's list names the copies it has kept: all of the build's, each in the cache.
    const listed = (await list.json()).files;
    const kept = new Set((await cache.keys()).map((request) => request.url));
    return files.every((path) => path in listed && kept.has(new URL(path, root).href));
  };
  for (const end = Date.now() + timeout; !(await page.evaluate(check, files)); await page.waitForTimeout(250)) {
    if (Date.now() > end) throw new Error(`the service worker had not kept the site's files after ${timeout / 1000} s`);
  }
}

async function openTool(page, url) {
  await page.goto(url);
  await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 20000 });
}

/** Answer every question as the scenario's person would, to the verdict; its outcome. */
async function walk(page, scenario) {
  const region = page.locator('[data-cb-widget="tree"]');
  for (let step = 0; step < 30; step++) {
    const question = await region.getAttribute("data-step");
    if (question === "verdict") return page.locator(".cb-live .cb-verdict").getAttribute("data-outcome");
    const form = page.locator(`.cb-live form[data-question="${question}"]`);
    for (const id of [scenario.answers[question]].flat()) await form.locator(`input[value="${id}"]`).check();
    await form.getByRole("button", { name: /continue/i }).click();
    await page.waitForFunction((old) => document.querySelector('[data-cb-widget="tree"]').dataset.step !== old, question);
  }
  throw new Error(`${scenario.name}: the questions never end`);
}

test("after one visit to the tree, offline: a clause reads, the tree walks to a verdict, the quiz scores", async () => {
  const server = await serveSite();
  const browser = await launch();
  try {
    const first = await browser.context.newPage();
    await openTool(first, server.base + policy.tree);
    await first.waitForFunction(() => performance.getEntriesByName("clausebook:snapshot-cached").length, null, { timeout: 20000 });
    await copiesKept(first);
    await first.close();
    // From a server that compresses nothing, the pages the reader did not open came as their gzip
    // copies, and the memory snapshot not at all (the engine's worker made it from its own start).
    const listing = JSON.parse(readFileSync(join(SITE, "clausebook-offline.json"), "utf8"));
    const paths = new Set(server.served.map((s) => s.path));
    const unopened = Object.keys(listing.files).filter((path) => path.endsWith(".html") && path !== policy.tree);
    assert.ok(unopened.length > 3);
    for (const path of unopened) {
      assert.ok(paths.has(`/${listing.copies}${listing.files[path]}.gz`), `${path} was not fetched as its gzip copy`);
      assert.ok(!paths.has(`/${path}`), `${path} was fetched as it is`);
    }
    assert.ok(![...paths].some((path) => path.includes("/snapshot.bin")), "a snapshot was fetched");

    // The server is gone: every request fails as it does with no network.
    await server.close();

    const page = await browser.context.newPage();
    const clause = clauses[Math.floor(clauses.length / 2)];
    await page.goto(server.base + clause.url);
    const target = page.locator(`[data-clause="${clause.number}"]`);
    assert.ok(await target.isVisible());
    // The clause's own words, as the build's clauses.json gives them.
    const shown = (await target.innerText()).replace(/\s+/g, " ");
    for (const line of clause.text.split("\n")) assert.ok(shown.includes(line.replace(/\s+/g, " ").trim()), line);

    await openTool(page, server.base + policy.tree);
    assert.equal(await page.locator("[data-cb-widget]").getAttribute("data-engine-from"), "snapshot");
    const scenario = VECTORS.scenarios[3];
    assert.equal(await walk(page, scenario), scenario.outcome);

    await openTool(page, server.base + policy.quiz);
    const questions = page.locator("fieldset.cb-question");
    const total = await questions.count();
    for (let i = 0; i < total; i++) await questions.nth(i).locator("input").first().check();
    await page.getByRole("button", { name: "Check answers" }).click();
    assert.match(await page.locator(".cb-score-line").textContent(), new RegExp(`out of ${total}`));
    await page.close();
  } finally {
    await browser.close();
  }
});

test("a new build is shown on the next visit, never the kept copy, and kept in its place", async () => {
  // A copy of the site whose home page and service worker a "new build" rewrites.
  const root = mkdtempSync(join(tmpdir(), "clausebook-offline-"));
  for (const name of readdirSync(SITE)) {
    if (["index.html", "clausebook-sw.js"].includes(name)) copyFileSync(join(SITE, name), join(root, name));
    else symlinkSync(join(SITE, name), join(root, name));
  }
  const server = await serveSite(root);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.base);
    await copiesKept(page, root);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload(); // now served through the service worker
    assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), "the service worker serves the page");
    const marker = "A sentence only the new build has.";
    writeFileSync(join(root, "index.html"), readFileSync(join(SITE, "index.html"), "utf8").replace("</article>", `<p id="new-build">${marker}</p></article>`));
    writeFileSync(join(root, "clausebook-sw.js"), `${readFileSync(join(SITE, "clausebook-sw.js"), "utf8")}\n// a new build\n`);
    await page.goto(server.base);
    assert.equal(await page.locator("#new-build").textContent(), marker, "the next visit shows the new build");
    await server.close();
    await browser.context.setOffline(true);
    await page.goto(server.base);
    assert.equal(await page.locator("#new-build").textContent(), marker, "offline, the copy kept is the new one");
    await page.close();
  } finally {
    await browser.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("an install the network cuts short keeps what arrived, and the next visit keeps the rest", { timeout: 90000 }, async () => {
  // One page of the site cannot be fetched during the first visit (its connection drops).
  const lost = clauses[0].url.split("#")[0];
  // The service worker fetches the page's gzip copy (named by its hash), or the page itself.
  const offline = JSON.parse(readFileSync(join(SITE, "clausebook-offline.json"), "utf8"));
  const lostPaths = [`/${lost}`, `/${offline.copies}${offline.files[lost]}.gz`];
  let cutting = true;
  const server = await serveSite(SITE, { cut: (path) => cutting && lostPaths.includes(path) });
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.base);
    const active = () => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active));
    for (const end = Date.now() + 30000; !(await active()); await page.waitForTimeout(250)) {
      assert.ok(Date.now() < end, "the install did not succeed without the lost page");
    }
    const listed = async () => page.evaluate(async () => {
      const list = await (await caches.open("clausebook-site")).match(new URL("clausebook-offline.json", location.href));
      return list ? Object.keys((await list.json()).files) : [];
    });
    for (const end = Date.now() + 30000; !(await listed()).length; await page.waitForTimeout(250)) {
      assert.ok(Date.now() < end, "the service worker never wrote its list");
    }
    assert.ok(!(await listed()).includes(lost), "the list names only the copies kept");
    // The network is back: the next page's visit fetches the page that was lost.
    cutting = false;
    await page.goto(server.base);
    for (const end = Date.now() + 30000; !(await listed()).includes(lost); await page.waitForTimeout(250)) {
      assert.ok(Date.now() < end, "the lost page was never fetched again");
    }
    await copiesKept(page);
    await server.close();
    await page.goto(server.base + lost);
    assert.ok(await page.locator(`[data-clause="${clauses[0].number}"]`).isVisible(), "offline, the page once lost reads");
    await page.close();
  } finally {
    await browser.close();
  }
});
