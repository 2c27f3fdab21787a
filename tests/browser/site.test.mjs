// The published site in a real browser: links to clauses, search, keyboard, phone, privacy, accessibility.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serveSite, launch, accessibilityProblems, manifest, SITE } from "./helpers.mjs";

let server, browser;
const policy = manifest().policies.find((p) => p.id === "social-media");
const version = policy.versions.find((v) => v.status === "current");
const clauses = JSON.parse(readFileSync(join(SITE, version.clauses), "utf8")).clauses;

before(async () => { server = await serveSite(); browser = await launch(); });
after(async () => { await browser.close(); await server.close(); });

test("following a clause's permanent link lands on that clause", async () => {
  const page = await browser.context.newPage();
  for (const clause of [clauses[0], clauses[Math.floor(clauses.length / 2)], clauses.at(-1)]) {
    await page.goto(server.base + clause.url);
    const target = page.locator(":target");
    assert.equal(await target.getAttribute("data-clause"), clause.number);
    assert.ok(await target.isVisible());
    const box = await target.boundingBox();
    assert.ok(box.y >= 0 && box.y < 900, `clause ${clause.number} is scrolled into view (y=${box.y})`);
  }
  await page.close();
});

test("the clause anchor is a link a screen reader announces", async () => {
  const page = await browser.context.newPage();
  const clause = clauses[0];
  await page.goto(server.base + clause.url.split("#")[0]);
  const link = page.getByRole("link", { name: `Clause ${clause.number}: link to this clause` });
  assert.equal(await link.getAttribute("href"), `#${clause.url.split("#")[1]}`);
  await page.close();
});

test("Sphinx's own search finds a clause's words, offline", async () => {
  const page = await browser.context.newPage();
  // The longest word of clause 4.2: a word only that part of the policy is likely to use.
  const words = clauses.find((c) => c.number === "4.2").text.split(/[^\w]+/).sort((a, b) => b.length - a.length)[0];
  await page.goto(`${server.base}search.html?q=${encodeURIComponent(words)}`);
  const results = page.locator("#search-results li a");
  await results.first().waitFor({ timeout: 10000 });
  const hrefs = await results.evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.some((href) => href.includes(clauses.find((c) => c.number === "4.2").url.split("#")[0])), hrefs.join());
  await page.close();
});

test("search never finds a draft: it is previewed at its address, not listed", async () => {
  const page = await browser.context.newPage();
  // A word of the policy's title: every version's pages hold it, a draft's too.
  const word = policy.title.split(/\s+/).sort((a, b) => b.length - a.length)[0];
  await page.goto(`${server.base}search.html?q=${encodeURIComponent(word)}`);
  await page.waitForFunction(() => /found|did not match/i.test(document.querySelector(".search-summary")?.textContent ?? ""), null, { timeout: 15000 });
  const hrefs = await page.locator("#search-results li a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.some((href) => href.includes(`${policy.id}/${version.version}/`)), `the version in force is found: ${hrefs.join()}`);
  assert.deepEqual(hrefs.filter((href) => href.includes("/draft/")), [], "no draft page is a search result");
  await page.close();
});

test("a keyboard user can skip to the content and reach a clause link", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.base + clauses[0].url.split("#")[0]);
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.match(first, /skip to content/i);
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement.classList.contains("cb-clause-number"));
  }
  assert.ok(reached, "Tab reaches a clause's link");
  await page.close();
});

test("on a phone the policy reads without sideways scrolling", async () => {
  const phone = await launch({ viewport: { width: 360, height: 740 } });
  const page = await phone.context.newPage();
  for (const url of [version.url, clauses[3].url.split("#")[0], "index.html"]) {
    await page.goto(server.base + url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${url} is ${overflow}px too wide`);
  }
  await phone.close();
});

test("no page asks anything of another origin", async () => {
  const page = await browser.context.newPage();
  for (const url of ["index.html", version.url, clauses[5].url, "search.html?q=policy"]) {
    await page.goto(server.base + url);
    await page.waitForLoadState("networkidle");
  }
  assert.deepEqual(browser.outside, []);
  await page.close();
});

test("axe-core finds no problem at any impact on the home, policy and section pages", async () => {
  const page = await browser.context.newPage();
  for (const url of ["index.html", version.url, clauses[3].url.split("#")[0]]) {
    await page.goto(server.base + url);
    assert.deepEqual(await accessibilityProblems(page), [], url);
  }
  await page.close();
});

test("a clause number typed into search goes straight to the clause", async () => {
  const page = await browser.context.newPage();
  const clause = clauses.find((c) => c.number === "4.4");
  await page.goto(server.base + "index.html");
  // The home page's own search box, by its label, as a screen reader user finds it.
  await page.getByLabel("Find a clause or a policy").fill("4.4");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.hash === `#${clause.url.split("#")[1]}`, { timeout: 10000 });
  assert.equal(await page.locator(":target").getAttribute("data-clause"), "4.4");
  await page.close();
});

test("search names each clause it finds by number and section, linked to its anchor", async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  const clause = clauses.find((c) => c.number === "4.2");
  const word = clause.text.split(/[^\w]+/).sort((a, b) => b.length - a.length)[0];
  await page.goto(`${server.base}search.html?q=${encodeURIComponent(word)}`);
  const found = page.locator(".cb-search-clauses li a");
  await found.first().waitFor({ timeout: 10000 });
  const links = await found.evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  const section = manifestSection(clause);
  assert.ok(links.some(([text, href]) => text === `4.2 ${section}` && href === clause.url), JSON.stringify(links));
  // Each excerpt is cut at spaces, never mid-word (found: "…edia posting").
  const excerpts = await page.locator(".cb-search-clauses li").evaluateAll((items) =>
    items.map((li) => [li.querySelector("a").getAttribute("href"), li.querySelector("p").textContent]));
  for (const [href, excerpt] of excerpts) {
    const whole = clauses.find((c) => c.url === href).text.replace(/\s+/g, " ");
    const core = excerpt.replace(/^…|…$/g, "");
    const at = whole.indexOf(core);
    assert.ok(at >= 0, excerpt);
    assert.ok(at === 0 || whole[at - 1] === " ", `starts mid-word: ${excerpt}`);
    const after = whole[at + core.length];
    assert.ok(after === undefined || after === " ", `ends mid-word: ${excerpt}`);
  }
  // The theme's own results below: their snippets never run a clause number into its words.
  await page.locator("#search-results li p").first().waitFor({ timeout: 10000 });
  const snippets = await page.locator("#search-results li p").allTextContents();
  assert.ok(snippets.length > 0);
  for (const text of snippets) assert.doesNotMatch(text, /\b\d+\.\d+[A-Za-z]/, text);
  // Each page of a version is named by its policy and version, so no reader takes an old one for today's.
  const named = await page.locator("#search-results li").evaluateAll((items) =>
    items.map((li) => [li.querySelector("a").getAttribute("href"), li.querySelector(".cb-search-version")?.textContent ?? ""]));
  const ofVersion = named.filter(([href]) => href.startsWith(`${policy.id}/${version.version}/`));
  assert.ok(ofVersion.length > 0, JSON.stringify(named));
  for (const [href, label] of ofVersion) assert.equal(label, ` · ${policy.title}, version ${version.version} (in force)`, href);
  assert.deepEqual(errors, [], "no script errors (the site's CSP allows the search scripts)");
  assert.deepEqual(browser.outside, []);
  await page.close();
});

function manifestSection(clause) {
  const data = JSON.parse(readFileSync(join(SITE, version.clauses), "utf8"));
  const section = data.sections.find((s) => s.number === clause.section);
  return section.title;
}

test("clauses found where the theme finds no whole page: search does not then say nothing matched", async () => {
  // Its own browser, with no service worker: an earlier test's offline copy would answer the
  // index request before page.route could (found in a fresh clone's full run).
  const own = await launch({ serviceWorkers: "block" });
  const page = await own.context.newPage();
  // The theme's index as if no page held every word (it looks for whole pages, stemmed).
  await page.route("**/searchindex.js", (route) => route.fulfill({
    contentType: "text/javascript",
    body: 'Search.setIndex({"alltitles":{},"docnames":[],"envversion":{},"filenames":[],"indexentries":{},"objects":{},"objnames":{},"objtypes":{},"terms":{},"titles":[],"titleterms":{}})',
  }));
  const word = clauses.find((c) => c.number === "4.2").text.split(/[^\w]+/).sort((a, b) => b.length - a.length)[0];
  await page.goto(`${server.base}search.html?q=${encodeURIComponent(word)}`);
  await page.locator(".cb-search-clauses li a").first().waitFor({ timeout: 10000 });
  const summary = page.locator("#search-results .search-summary");
  await summary.waitFor({ timeout: 10000 });
  await page.waitForFunction(() => (document.querySelector(".search-summary")?.textContent ?? "").trim() !== "", null, { timeout: 10000 });
  const said = await summary.textContent();
  assert.doesNotMatch(said, /did not match any documents/, said);
  assert.match(said, /clauses above/, said);
  await own.close();
});
