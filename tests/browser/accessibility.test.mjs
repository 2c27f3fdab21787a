// WCAG 2.2 AA in real headless Chromium, on every kind of page: axe-core with every rule at every
// impact, then what axe cannot see: reflow at 320 px, text at 200%, focus always visible, targets of
// 24 px, contrast in both colour schemes, the guidance tools' changes announced, and versions and
// redlines understood without colour. What they find is written to _build/accessibility-checks.json,
// with a hash of each page checked, for the accessibility statement the next build writes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { SITE, serveSite, launch, manifest } from "./helpers.mjs";

const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");
const AXE_VERSION = JSON.parse(readFileSync("node_modules/axe-core/package.json", "utf8")).version;
const RESULTS = join(dirname(SITE), "accessibility-checks.json");
const checks = [];
const checkedPages = [];
let site, amended, browser, historyRoot, chromiumVersion;

/** Every kind of page, found from the manifest and the clauses.json files, not from a list of ids. */
function pagesOf(root, { copy = false } = {}) {
  const pages = [];
  const add = (kind, url) => { if (existsSync(join(root, url.split(/[?#]/)[0]))) pages.push({ kind, url, copy }); };
  const { policies } = manifest(root);
  if (!copy) {
    add("home", "index.html");
    add("editors", "editors.html");
    add("search", "search.html?q=policy");
    add("statement", "accessibility.html");
  }
  for (const policy of policies) {
    for (const version of policy.versions) {
      if (copy && !version.changes) continue;
      const clauses = JSON.parse(readFileSync(join(root, version.clauses), "utf8")).clauses;
      if (!copy) {
        add("policy", version.url);
        add("section", clauses[0].url.split("#")[0]);
        add("clause permalink", `${policy.id}/clause/${clauses.at(-1).number}.html`);
        if (version.quiz) add("quiz", version.quiz);
        if (version.tree) add("tree question", version.tree);
        add("in force", policy.in_force);
      } else {
        add("changes", version.changes);
        add("superseded version", policy.versions[0].url);
      }
    }
    if (copy) add("draft", `${policy.id}/draft/index.html`);
  }
  return pages;
}

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** A copy of the handbook with a released amendment (a "What changed" page, a superseded version)
 *  and an unreleased one (a draft), built with the real commands. */
function buildWithHistory() {
  const root = mkdtempSync(join(tmpdir(), "clausebook-history-"));
  for (const name of ["handbook", "templates", "quizzes"]) cpSync(name, join(root, name), { recursive: true });
  symlinkSync(resolve("node_modules"), join(root, "node_modules"));
  for (const cache of ["engine-cache", "pdf-cache"]) {
    // What the build keeps between runs regardless of content: saves recompressing the runtime.
    if (existsSync(join("_build/.work", cache))) cpSync(join("_build/.work", cache), join(root, "_build/.work", cache), { recursive: true });
  }
  const policy = manifest().policies[0];
  const current = policy.versions.find((v) => v.status === "current") ?? policy.versions.at(-1);
  const clauses = JSON.parse(readFileSync(join(SITE, current.clauses), "utf8")).clauses;
  const amend = (number) => {
    // A word added to a clause: only this test amends the Trust's words, in its own copy.
    const folder = join(root, "handbook", policy.id);
    const file = readdirSync(folder).map((f) => join(folder, f)).find((f) => readFileSync(f, "utf8").includes(`{clause} ${number}\n`));
    const text = readFileSync(file, "utf8").replace(new RegExp(`(:::\\{clause\\} ${number.replace(".", "\\.")}\\n\\S+)`), "$1 always");
    writeFileSync(file, text);
  };
  const python = process.env.CLAUSEBOOK_PYTHON ?? ".venv/bin/python";
  const run = (...args) => {
    const done = spawnSync(python, ["-m", "clausebook", "--root", root, ...args, "-q"], { encoding: "utf8" });
    assert.equal(done.status, 0, done.stderr);
  };
  const [major, minor] = current.version.split(".").map(Number);
  amend(clauses[0].number);
  run("release", "--policy", policy.id, "--version", `${major}.${minor + 1}`, "--effective", new Date().toISOString().slice(0, 10));
  amend(clauses[1].number);
  run("build");
  return root;
}

before(async () => {
  historyRoot = buildWithHistory();
  site = await serveSite();
  amended = await serveSite(join(historyRoot, "_build", "html"));
  browser = await launch();
  chromiumVersion = browser.context.browser()?.version() ?? "";
});

after(async () => {
  await browser?.close();
  await site?.close();
  await amended?.close();
  if (historyRoot) rmSync(historyRoot, { recursive: true, force: true });
  const tools = `axe-core ${AXE_VERSION} and Playwright in headless Chromium${chromiumVersion ? ` ${chromiumVersion.split(".")[0]}` : ""}`;
  const pages = checkedPages.map(({ kind, url, copy }) => copy
    ? { kind, url, copy: true } // not a page of this site: not hashed
    : { kind, url, sha256: sha256(join(SITE, url.split(/[?#]/)[0])) });
  writeFileSync(RESULTS, JSON.stringify({ checked: new Date().toISOString(), tools, pages, checks }, null, 1));
});

/** Record what a check found (for the statement), then hold the test to it. */
function record(id, title, claim, failures) {
  checks.push({ id, title, claim, passed: failures.length === 0, failures });
  assert.deepEqual(failures, [], title);
}

function allPages() {
  const found = [
    ...pagesOf(SITE).map((p) => ({ ...p, base: site.base })),
    ...pagesOf(join(historyRoot, "_build", "html"), { copy: true }).map((p) => ({ ...p, base: amended.base })),
  ];
  for (const kind of ["home", "policy", "section", "clause permalink", "in force", "editors", "search", "statement", "changes", "draft"]) {
    assert.ok(found.some((p) => p.kind === kind), `a ${kind} page was found to check`);
  }
  return found;
}

async function axe(page, options = {}) {
  // Evaluated, not injected as a <script>: the site's Content-Security-Policy rightly blocks inline scripts.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  // Checked as the theme shows the page after a scroll up (found: its "Back to top" link outside
  // every landmark, failing only when a walk through the tree happened to scroll).
  await page.evaluate(() => document.documentElement.classList.add("show-back-to-top"));
  const result = await page.evaluate(async (opts) => await window.axe.run(document, { resultTypes: ["violations"], ...opts }), options);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Go to a page as a reader does: a clause's permanent link forwards (meta refresh) to the clause itself. */
async function visit(page, address) {
  // "load", not "networkidle": once Python is ready the tools fetch its memory snapshot in the background.
  await page.goto(address, { waitUntil: "load" });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const forwards = await page.evaluate(() => Boolean(document.querySelector('meta[http-equiv="refresh"]')));
      if (!forwards) return;
      await page.waitForURL((url) => url.pathname !== new URL(address).pathname, { waitUntil: "load" });
    } catch (error) {
      if (!/context was destroyed|navigat/i.test(error.message)) throw error;
      await page.waitForLoadState("load"); // it forwarded while we looked
    }
  }
}

async function open(context, entry) {
  const page = await context.newPage();
  await visit(page, entry.base + entry.url);
  if (entry.url.startsWith("search.html")) await page.locator("#search-results").first().waitFor();
  if (await page.locator("[data-cb-widget]").count()) {
    await page.waitForSelector('[data-cb-widget][data-engine="ready"]', { timeout: 20000 });
  }
  return page;
}

/** Walk the guidance by the first answer of each question until a verdict shows; returns the steps seen. */
async function walkToVerdict(page) {
  const steps = [];
  const region = page.locator("[data-cb-widget]");
  for (let i = 0; i < 30; i++) {
    if (await page.locator(".cb-live .cb-verdict").count()) return steps;
    const form = page.locator(".cb-live form[data-question]").first();
    const before = await region.getAttribute("data-step");
    await form.locator("input").first().check();
    await form.getByRole("button", { name: /continue/i }).click();
    await page.waitForFunction((old) => document.querySelector("[data-cb-widget]").dataset.step !== old, before);
    steps.push(await page.evaluate(() => ({
      focused: document.activeElement?.textContent?.trim() ?? "",
      heading: document.querySelector(".cb-live h2")?.textContent?.trim() ?? "",
    })));
  }
  throw new Error("no verdict after 30 answers");
}

test("axe-core, every rule at every impact, finds nothing on any kind of page or state", async () => {
  const failures = [];
  for (const entry of allPages()) {
    const page = await open(browser.context, entry);
    checkedPages.push(entry);
    for (const problem of await axe(page)) failures.push(`${entry.url}: ${problem}`);
    if (entry.kind === "tree question") {
      await walkToVerdict(page);
      checkedPages.push({ ...entry, kind: "tree verdict" });
      for (const problem of await axe(page)) failures.push(`${entry.url} (a verdict): ${problem}`);
    }
    if (entry.kind === "quiz") {
      await answerQuiz(page);
      checkedPages.push({ ...entry, kind: "quiz answered" });
      for (const problem of await axe(page)) failures.push(`${entry.url} (answered): ${problem}`);
    }
    await page.close();
  }
  record("axe", `axe-core ${AXE_VERSION}: every rule it runs by default (WCAG 2.0, 2.1 and 2.2 A and AA, and best practices), at every impact`,
    "", failures);
});

async function answerQuiz(page) {
  for (const fieldset of await page.locator("fieldset[data-question]").all()) await fieldset.locator("input").first().check();
  await page.getByRole("button", { name: "Check answers" }).click();
  await page.getByRole("status").filter({ hasText: /You scored/ }).waitFor({ timeout: 10000 });
}

test("reflow: at 320 CSS px wide no page scrolls sideways", async () => {
  const phone = await launch({ viewport: { width: 320, height: 640 } });
  const failures = [];
  try {
    for (const entry of allPages()) {
      const page = await open(phone.context, entry);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) failures.push(`${entry.url} is ${overflow}px too wide`);
      await page.close();
    }
  } finally {
    await phone.close(); // or its connections keep the test servers from closing
  }
  record("reflow", "Reflow at 320 CSS pixels (WCAG 1.4.10)",
    "read every page 320 CSS pixels wide, on a phone or zoomed to 400%, without scrolling sideways", failures);
});

test("text at 200%: nothing is cut off or pushed off the page", async () => {
  const failures = [];
  for (const entry of allPages()) {
    const page = await open(browser.context, entry);
    const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    // The browser's own text size setting (as a reader sets it), doubled: unlike a style on the page,
    // it also moves the theme's em-based breakpoints, as it does for the reader.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32, fixed: 26 } });
    await page.waitForTimeout(100);
    const problems = await page.evaluate((before) => {
      const found = [];
      if (parseFloat(getComputedStyle(document.body).fontSize) < before * 1.9) found.push("the text does not grow with the reader's font size");
      if (document.documentElement.scrollWidth > window.innerWidth) found.push("the page scrolls sideways");
      for (const element of document.querySelectorAll("body *")) {
        const style = getComputedStyle(element);
        const clips = /hidden|clip/.test(style.overflowX + style.overflowY);
        if (!clips || !element.textContent.trim() || !element.getClientRects().length) continue;
        if (element.classList.contains("cb-visually-hidden") || style.position === "absolute" && element.clientWidth <= 1) continue;
        if (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1) {
          if (style.overflowX.includes("auto") || style.overflowY.includes("auto")) continue;
          found.push(`text cut off in ${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`);
        }
      }
      return found;
    }, before);
    for (const problem of problems) failures.push(`${entry.url}: ${problem}`);
    await page.close();
  }
  record("text-200", "Text resized to 200% (WCAG 1.4.4)", "make the text twice as large without losing any of it", failures);
});

test("focus is always visible: every element Tab reaches shows a focus indicator, in view", async () => {
  const failures = [];
  for (const entry of allPages()) {
    const page = await open(browser.context, entry);
    const seen = new Set();
    const measure = () => page.evaluate(() => {
        const element = document.activeElement;
        if (!element || element === document.body) return null;
        const style = getComputedStyle(element);
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1 && !/rgba\(.*, 0\)$/.test(style.outlineColor);
        const shadow = style.boxShadow !== "none";
        const box = element.getBoundingClientRect();
        const inView = box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth;
        // Not hidden under the sticky header (WCAG 2.4.11, focus not obscured).
        const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
        const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 8), 0), window.innerHeight - 1);
        const top = document.elementFromPoint(x, y);
        const covered = top && !element.contains(top) && !top.contains(element);
        const name = `${element.tagName.toLowerCase()} "${(element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 40)}"`;
        return { name, visible: outline || shadow, inView, covered, key: element.outerHTML.slice(0, 120) };
      });
    let roundTheWholePage = false;
    for (let i = 0; i < 400 && !roundTheWholePage; i++) {
      await page.keyboard.press("Tab");
      let focus = await measure();
      if (!focus) continue;
      // The theme scrolls smoothly (a long page takes a while) and slides its skip link in.
      for (let waited = 0; focus && (!focus.inView || focus.covered) && waited < 3000; waited += 300) {
        await page.waitForTimeout(300);
        focus = await measure();
      }
      if (!focus) continue;
      if (seen.has(focus.key)) { roundTheWholePage = true; break; } // round the page once
      seen.add(focus.key);
      if (!focus.visible) failures.push(`${entry.url}: ${focus.name} shows no focus indicator`);
      if (!focus.inView) failures.push(`${entry.url}: ${focus.name} is focused out of view`);
      else if (focus.covered) failures.push(`${entry.url}: ${focus.name} is hidden under another element when focused`);
    }
    if (!roundTheWholePage) failures.push(`${entry.url}: Tab did not come round the page within 400 stops`);
    await page.close();
  }
  record("focus", "Focus visible and not obscured (WCAG 2.4.7, 2.4.11)",
    "see where you are on every link and control you reach with the Tab key", failures);
});

test("target size: every link and control is at least 24 by 24 CSS px, or spaced or inline in text", async () => {
  const failures = [];
  for (const entry of allPages()) {
    const page = await open(browser.context, entry);
    const small = await page.evaluate(() => {
      const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])";
      const targets = [...document.querySelectorAll(selector)].filter((el) => {
        const style = getComputedStyle(el);
        return el.getClientRects().length && style.visibility !== "hidden" && !el.closest("[hidden], .cb-visually-hidden");
      }).map((el) => {
        let box = el.getBoundingClientRect();
        const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
        if (label) { // a radio's label is part of its target
          const l = label.getBoundingClientRect();
          box = { left: Math.min(box.left, l.left), top: Math.min(box.top, l.top), right: Math.max(box.right, l.right), bottom: Math.max(box.bottom, l.bottom) };
        }
        const block = el.parentElement?.closest("p, li, td, dd, blockquote, figcaption, label, legend") ?? el.parentElement;
        const inline = getComputedStyle(el).display === "inline" && block && block.textContent.trim() !== el.textContent.trim();
        return { el, box, inline, name: `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("aria-label") || el.value || "").trim().slice(0, 30)}"` };
      });
      const size = (t) => [t.box.right - t.box.left, t.box.bottom - t.box.top];
      const centre = (t) => [(t.box.left + t.box.right) / 2, (t.box.top + t.box.bottom) / 2];
      const undersized = targets.filter((t) => !t.inline && (size(t)[0] < 24 || size(t)[1] < 24) && size(t)[0] > 0);
      const distance = ([x, y], b) => Math.hypot(Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
      return undersized.filter((t) => targets.some((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) &&
        (distance(centre(t), o.box) < 12 || (undersized.includes(o) && Math.hypot(centre(t)[0] - centre(o)[0], centre(t)[1] - centre(o)[1]) < 24))))
        .map((t) => `${t.name} is ${size(t).map(Math.round).join(" by ")} px, too close to another target`);
    });
    for (const problem of small) failures.push(`${entry.url}: ${problem}`);
    await page.close();
  }
  record("target-size", "Target size of 24 by 24 CSS pixels (WCAG 2.5.8)", "tap each link and button: each is at least 24 by 24 pixels, or clear of its neighbours", failures);
});

test("contrast in both colour schemes, light and dark", async () => {
  const failures = [];
  for (const scheme of ["light", "dark"]) {
    const context = await launch();
    try {
      for (const entry of allPages()) {
        const page = await context.context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await visit(page, entry.base + entry.url);
        const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        if (scheme === "dark" && dark === "rgb(255, 255, 255)") failures.push(`${entry.url}: no dark scheme`);
        for (const problem of await axe(page, { runOnly: ["color-contrast", "link-in-text-block"] })) failures.push(`${entry.url} (${scheme}): ${problem}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
  }
  record("contrast", "Contrast of text in the light and the dark colour scheme (WCAG 1.4.3, 1.4.1)",
    "read the text in the light and the dark colour scheme", failures);
});

test("the tree's and the quiz's changes are announced to screen readers", async () => {
  const failures = [];
  const tree = allPages().find((p) => p.kind === "tree question");
  const quiz = allPages().find((p) => p.kind === "quiz");
  if (tree) {
    const page = await open(browser.context, tree);
    const steps = await walkToVerdict(page);
    for (const step of steps.slice(0, -1)) {
      if (step.focused !== step.heading) failures.push(`${tree.url}: after an answer focus is on "${step.focused}", not the next question "${step.heading}"`);
    }
    // The accessibility tree: the verdict is announced as a heading, the element in focus.
    const focused = await page.locator(":focus").ariaSnapshot();
    const title = (await page.locator(".cb-live .cb-verdict h2").textContent()).trim();
    if (!focused.includes(`heading "${title}"`)) failures.push(`${tree.url}: the verdict "${title}" is not what has focus (${focused})`);
    await page.close();
  }
  if (quiz) {
    const page = await open(browser.context, quiz);
    await answerQuiz(page);
    const status = await page.getByRole("status").filter({ hasText: /You scored/ }).ariaSnapshot();
    if (!/You scored/.test(status)) failures.push(`${quiz.url}: the score is not in a live region`);
    const live = await page.getByRole("status").filter({ hasText: /You scored/ }).getAttribute("aria-live");
    if (live !== "polite" && live !== "assertive") failures.push(`${quiz.url}: the score's region is not aria-live`);
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    if (!/You scored/.test(focused)) failures.push(`${quiz.url}: focus does not move to the score`);
    await page.close();
  }
  assert.ok(tree || quiz, "a guidance tool was found to check");
  record("announced", "The decision tree's and the quiz's changes announced (WCAG 4.1.3)",
    "have each next question, verdict and quiz score announced by a screen reader (focus moves to it, or a live region holds it)", failures);
});

test("version banners and the 'What changed' redline are understood without colour", async () => {
  const failures = [];
  for (const entry of allPages().filter((p) => ["superseded version", "draft", "changes"].includes(p.kind))) {
    const page = await open(browser.context, entry);
    if (entry.kind !== "changes") {
      const banner = page.locator(".cb-banner");
      const text = (await banner.innerText()).trim();
      if (!/superseded|draft|not yet in force|comes into force/i.test(text)) failures.push(`${entry.url}: the banner does not say the version's status in words ("${text}")`);
      if ((await banner.getAttribute("role")) === null) failures.push(`${entry.url}: the banner has no role for assistive technology`);
    } else {
      const marks = await page.evaluate(() => [...document.querySelectorAll(".cb-redline del, .cb-redline ins")].map((el) => ({
        tag: el.tagName.toLowerCase(), line: getComputedStyle(el).textDecorationLine, said: el.textContent,
      })));
      if (!marks.length) failures.push(`${entry.url}: no redline found`);
      for (const mark of marks) {
        const [shape, word] = mark.tag === "del" ? ["line-through", "[deleted:"] : ["underline", "[inserted:"];
        if (!mark.line.includes(shape)) failures.push(`${entry.url}: ${mark.tag} is shown by colour alone (no ${shape})`);
        if (!mark.said.includes(word)) failures.push(`${entry.url}: ${mark.tag} is not said as ${word} to a screen reader`);
      }
    }
    await page.close();
  }
  record("without-colour", "Version banners and the redline of changes understood without colour (WCAG 1.4.1)",
    "tell a superseded or draft version, and deleted from inserted words, without seeing colour", failures);
});

test("search names a superseded version's page as superseded, not as the policy in force", async () => {
  const root = join(historyRoot, "_build", "html");
  const policy = manifest(root).policies[0];
  const old = policy.versions.find((v) => v.status === "superseded");
  const now = policy.versions.find((v) => v.status === "current");
  assert.ok(old && now, "the amended copy has a superseded version and one in force");
  const page = await browser.context.newPage();
  // A word of the policy's title: both versions' pages hold it.
  const word = policy.title.split(/\s+/).sort((a, b) => b.length - a.length)[0];
  await page.goto(`${amended.base}search.html?q=${encodeURIComponent(word)}`);
  await page.waitForFunction(() => /found/i.test(document.querySelector(".search-summary")?.textContent ?? ""), null, { timeout: 15000 });
  const named = await page.locator("#search-results li").evaluateAll((items) =>
    items.map((li) => [li.querySelector("a").getAttribute("href"), li.querySelector(".cb-search-version")?.textContent ?? ""]));
  const folder = (v) => v.url.slice(0, v.url.lastIndexOf("/") + 1);
  for (const [v, words] of [[old, "superseded"], [now, "in force"]]) {
    const found = named.filter(([href]) => href.startsWith(folder(v)));
    assert.ok(found.length > 0, `${v.version} is found: ${JSON.stringify(named)}`);
    for (const [href, label] of found) assert.equal(label, ` · ${policy.title}, version ${v.version} (${words})`, href);
  }
  await page.close();
});
