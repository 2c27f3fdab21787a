// "Should I post this?" and the quiz in real headless Chromium, against the built site.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { SITE, serveSite, serveLikeMakeServe, launch, accessibilityProblems, manifest } from "./helpers.mjs";

const VECTORS = JSON.parse(readFileSync("tests/vectors/social-media.json", "utf8"));
const policy = manifest().policies.find((p) => p.id === VECTORS.policy);
let server, browser;

before(async () => { server = await serveSite(); browser = await launch(); });
after(async () => { await browser.close(); await server.close(); });

async function openTool(url, context = browser.context) {
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(server.base + url);
  await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 15000 });
  if (url === policy.tree) await noMissingWords(page);
  return { page, readyAfter: Date.now() - started };
}

/** Choose an answer and wait until Python has shown the next step. */
async function answer(page, label) {
  const region = page.locator('[data-cb-widget="tree"]');
  const before = await region.getAttribute("data-node");
  await page.locator(".cb-live").getByRole("button", { name: label, exact: true }).click();
  await page.waitForFunction((old) => document.querySelector('[data-cb-widget="tree"]').dataset.node !== old, before);
  await noMissingWords(page);
}

/** What Python's view lacks must not reach the reader as "null" or "undefined". */
async function noMissingWords(page) {
  const text = await page.locator(".cb-live").innerText();
  assert.doesNotMatch(text, /\b(null|undefined|NaN)\b/, text);
}

/** How the widget got Python: "start" or "snapshot" (restored from the browser's cache). */
async function engineFrom(page) {
  return page.locator("[data-cb-widget]").first().getAttribute("data-engine-from");
}

/** Wait until the page has put the memory snapshot in the browser's cache, for later visits. */
async function snapshotCached(page) {
  await page.waitForFunction(() => performance.getEntriesByName("clausebook:snapshot-cached").length, null, { timeout: 15000 });
}

async function verdictOf(page) {
  const region = page.getByRole("region", { name: "Should I post this?" });
  const heading = region.locator(".cb-live .cb-verdict h2");
  const clauses = await region.locator(".cb-live .cb-verdict .cb-quote footer a").allTextContents();
  return { node: await region.getAttribute("data-node"), title: await heading.textContent(), clauses };
}

test("the first question is in the page before Python has loaded", async () => {
  const page = await browser.context.newPage();
  await page.route("**/_static/pyodide/**", () => {}); // never answer: Python cannot load
  const started = Date.now();
  await page.goto(server.base + policy.tree, { waitUntil: "domcontentloaded" });
  const first = page.locator(".cb-node-start h2");
  assert.ok(await first.isVisible());
  console.log(`# first question visible after ${Date.now() - started} ms`);
  await page.close();
});

for (const vector of VECTORS.walks.slice(0, 7)) {
  test(`scenario walked with the mouse: ${vector.name}`, async () => {
    const { page, readyAfter } = await openTool(policy.tree);
    for (const label of vector.answers) await answer(page, label);
    const end = await verdictOf(page);
    assert.equal(end.node, vector.verdict);
    assert.deepEqual(end.clauses, vector.clauses.map((n) => (n.includes(".") ? `Clause ${n}` : `Section ${n}`)));
    assert.equal(await page.evaluate(() => document.activeElement.textContent), end.title, "focus is on the verdict");
    if (vector === VECTORS.walks[0]) console.log(`# engine ready after ${readyAfter} ms (cold profile)`);
    await page.close();
  });
}

test("a keyboard-only walk: Tab to an answer, Enter, focus moves to each new question", async () => {
  const vector = VECTORS.walks.find((v) => v.answers.length >= 4);
  const { page } = await openTool(policy.tree);
  const timings = [];
  for (const label of vector.answers) {
    let focused = "";
    for (let i = 0; i < 40 && focused !== label; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement.textContent.trim());
    }
    assert.equal(focused, label, `Tab reaches "${label}"`);
    const started = Date.now();
    await page.keyboard.press("Enter");
    await page.waitForFunction((old) => document.activeElement?.classList.contains("cb-step-heading") && document.activeElement.textContent !== old, label);
    timings.push(Date.now() - started);
  }
  console.log(`# Python answered each step in ${timings.join(", ")} ms`);
  assert.equal((await verdictOf(page)).node, vector.verdict);
  await page.close();
});

test("Back, Start again, the browser's Back button and a shared link", async () => {
  const vector = VECTORS.walks[2];
  const { page } = await openTool(policy.tree);
  for (const label of vector.answers) await answer(page, label);
  const link = page.url();
  assert.match(link, /#walk=\d+(-\d+)*$/);
  await page.getByRole("button", { name: "Back" }).click();
  await page.locator(".cb-live").getByRole("button", { name: vector.answers.at(-1), exact: true }).waitFor();
  await page.goBack();
  await page.locator(".cb-live .cb-verdict").waitFor();
  assert.equal((await verdictOf(page)).node, vector.verdict, "the browser's Back returns to the verdict");
  await page.getByRole("button", { name: "Start again" }).click();
  await page.locator(".cb-live").getByRole("button", { name: vector.answers[0], exact: true }).waitFor();
  const other = await openTool(link.replace(server.base, ""));
  assert.equal((await verdictOf(other.page)).node, vector.verdict, "the link reopens the same verdict");
  await other.page.close();
  await page.close();
});

test("with JavaScript off the tree works as plain links and reaches a verdict", async () => {
  const noJs = await launch({ javaScript: false });
  const page = await noJs.context.newPage();
  await page.goto(server.base + policy.tree);
  const vector = VECTORS.walks[5];
  for (const label of vector.answers) {
    await page.locator(".cb-node:visible").getByRole("link", { name: label, exact: true }).click();
  }
  const verdict = page.locator(".cb-node:visible .cb-verdict");
  assert.equal(await page.locator(".cb-node:visible").getAttribute("id"), `node-${vector.verdict}`);
  assert.ok((await verdict.locator("blockquote").count()) >= 1);
  await noJs.close();
});

test("the quiz: choose answers, check them, read the score and why", async () => {
  const { page } = await openTool(policy.quiz);
  const questions = page.locator("fieldset.cb-question");
  const total = await questions.count();
  assert.ok(total >= 10);
  // Answer every question with its first choice; the engine decides which are right.
  for (let i = 0; i < total; i++) await questions.nth(i).locator("input").first().check();
  await page.getByRole("button", { name: "Check answers" }).click();
  const score = page.locator(".cb-score-line");
  await score.waitFor();
  const [, right, outOf] = (await score.textContent()).match(/(\d+) out of (\d+)/);
  assert.equal(Number(outOf), total);
  assert.equal(await page.locator(".cb-is-right").count(), Number(right));
  assert.equal(await page.locator(".cb-feedback:visible blockquote").count() >= total, true);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains("cb-score-line")));
  await page.close();
});

test("the quiz without JavaScript shows its questions with the answers on request", async () => {
  const noJs = await launch({ javaScript: false });
  const page = await noJs.context.newPage();
  await page.goto(server.base + policy.quiz);
  const first = page.locator("fieldset.cb-question").first();
  await first.getByText("Show the answer").click();
  assert.ok(await first.locator(".cb-answer-details blockquote").isVisible());
  await noJs.close();
});

test("if Pyodide cannot load, a visible message within 10 s and the plain links still work", async () => {
  const page = await browser.context.newPage();
  await page.route("**/pyodide.asm.wasm", (route) => route.abort());
  const started = Date.now();
  await page.goto(server.base + policy.tree);
  await page.waitForSelector('[data-engine="failed"]', { timeout: 10000 });
  assert.ok(Date.now() - started <= 10000, `after ${Date.now() - started} ms`);
  assert.ok(await page.locator(".cb-engine-message").isVisible());
  const start = await page.locator(".cb-node:visible").getAttribute("id");
  await page.locator(".cb-node:visible").getByRole("link").first().click();
  assert.notEqual(await page.locator(".cb-node:visible").getAttribute("id"), start);
  await page.close();
});

test("if Pyodide hangs, the message still comes within 10 s", async () => {
  const page = await browser.context.newPage();
  await page.route("**/python_stdlib.zip", () => {}); // never answered
  const started = Date.now();
  await page.goto(server.base + policy.tree);
  await page.waitForSelector('[data-engine="failed"]', { timeout: 10000 });
  assert.ok(Date.now() - started <= 10000, `after ${Date.now() - started} ms`);
  assert.ok(await page.locator(".cb-engine-message").isVisible());
  await page.close();
});

test("if the engine's wheel is missing on the server, the message comes and the quiz keeps its answers", async () => {
  const page = await browser.context.newPage();
  await page.route("**/*.whl", (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.goto(server.base + policy.quiz);
  await page.waitForSelector('[data-engine="failed"]', { timeout: 10000 });
  assert.ok(await page.locator(".cb-engine-message").isVisible());
  assert.ok(await page.locator(".cb-answer-details").first().isVisible(), "the answers are shown under each question");
  await page.close();
});

test("a snapshot that cannot be restored: Python starts instead, answers, and fetches it afresh", async () => {
  // The site as built, but for a damaged snapshot.bin in the runtime's folder.
  const root = mkdtempSync(join(tmpdir(), "clausebook-bad-snapshot-"));
  for (const name of readdirSync(SITE)) if (name !== "_static") symlinkSync(join(SITE, name), join(root, name));
  mkdirSync(join(root, "_static"));
  for (const name of readdirSync(join(SITE, "_static"))) if (name !== "pyodide") symlinkSync(join(SITE, "_static", name), join(root, "_static", name));
  const [folder] = readdirSync(join(SITE, "_static", "pyodide"));
  const runtime = join(root, "_static", "pyodide", folder);
  mkdirSync(runtime, { recursive: true });
  for (const name of readdirSync(join(SITE, "_static", "pyodide", folder))) {
    if (!name.startsWith("snapshot.bin")) symlinkSync(join(SITE, "_static", "pyodide", folder, name), join(runtime, name));
  }
  writeFileSync(join(runtime, "snapshot.bin"), Buffer.alloc(4096, 7));
  const site = await serveSite(root);
  const fresh = await launch();
  try {
    const first = await fresh.context.newPage();
    await first.goto(site.base + policy.tree);
    await snapshotCached(first);
    await first.close();
    const page = await fresh.context.newPage();
    const warnings = [];
    page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
    await page.goto(site.base + policy.tree);
    await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 15000 });
    assert.equal(await engineFrom(page), "start");
    assert.ok(warnings.some((text) => text.includes("could not be restored")), warnings.join("\n"));
    // The damaged copy in the cache is replaced: the snapshot is fetched again, from the server.
    await snapshotCached(page);
    assert.equal(site.served.filter(({ path }) => path.endsWith("/snapshot.bin")).length, 2);
    const vector = VECTORS.walks[1];
    for (const label of vector.answers) await answer(page, label);
    assert.equal((await verdictOf(page)).node, vector.verdict);
  } finally {
    await fresh.close();
    await site.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("axe-core finds no serious or critical problem on the tree, a verdict and the quiz", async () => {
  const { page } = await openTool(policy.tree);
  assert.deepEqual(await accessibilityProblems(page), [], "tree");
  for (const label of VECTORS.walks[0].answers) await answer(page, label);
  assert.deepEqual(await accessibilityProblems(page), [], "verdict");
  await page.goto(server.base + policy.quiz);
  await page.waitForSelector('[data-engine="ready"]');
  await page.getByRole("button", { name: "Check answers" }).click();
  await page.locator(".cb-score-line").waitFor();
  assert.deepEqual(await accessibilityProblems(page), [], "quiz");
  await page.close();
});

test("nothing the tools load comes from elsewhere, and nothing about the answers is sent", async () => {
  const { page } = await openTool(policy.tree);
  const after = [];
  page.on("request", (request) => after.push(request.url()));
  for (const label of VECTORS.walks[8].answers) await answer(page, label);
  assert.deepEqual(after, [], "walking the tree makes no request at all");
  assert.deepEqual(browser.outside, []);
  assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length), 0);
  await page.close();
});

test("the runtime is fetched once, compressed: the quiz after the tree, or the tree again, fetch nothing of it", async () => {
  const site = await serveLikeMakeServe();
  const fresh = await launch();
  const engine = ([, path]) => path.startsWith("/_static/pyodide/");
  const codings = {};
  fresh.context.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith("/_static/pyodide/")) codings[path.split("/").pop()] = (await response.allHeaders())["content-encoding"];
  });
  try {
    const visits = [];
    const started = [];
    for (const url of [policy.tree, policy.quiz, policy.tree]) {
      const seen = site.requests.length;
      const page = await fresh.context.newPage();
      await page.goto(site.base + url);
      await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 15000 });
      started.push(await engineFrom(page));
      if (url === policy.tree && started.length === 1) {
        // The first visit fetches the memory snapshot once the engine is ready, for later visits.
        await snapshotCached(page);
      } else if (url === policy.tree) {
        const vector = VECTORS.walks[0]; // the restored engine answers as a started one does
        for (const label of vector.answers) await answer(page, label);
        assert.equal((await verdictOf(page)).node, vector.verdict);
      }
      await page.close();
      visits.push(site.requests.slice(seen));
    }
    assert.deepEqual(started, ["start", "snapshot", "snapshot"], "later visits restore Python from the snapshot");
    const [first, quiz, again] = visits;
    const fetched = first.filter(engine).map(([, path]) => path.split("/").pop()).sort();
    assert.ok(fetched.includes("pyodide.asm.wasm") && fetched.some((n) => n.endsWith(".whl")), `first visit: ${fetched}`);
    // The build's zstd copies went over the wire, and Python started from them.
    for (const name of ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "snapshot.bin"]) {
      assert.equal(codings[name], "zstd", `${name} was sent as ${codings[name] ?? "is"}`);
    }
    assert.deepEqual(quiz.filter(engine), [], "the quiz page asks nothing of the runtime's folder");
    assert.deepEqual(again.filter(engine), [], "a second visit asks nothing of the runtime's folder");
    // The pages themselves are checked with the server (no-cache): unchanged, they come back as 304.
    assert.ok(again.some(([status, path]) => status === 304 && path.endsWith(".html")), JSON.stringify(again));
  } finally {
    await fresh.close();
    await site.close();
  }
});
