// Search across several policies, in a real browser: run by tests/test_many_policies_site.py,
// with CLAUSEBOOK_SITE set to a handbook built with tests/roots/more-policies added.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serveSite, launch, accessibilityProblems, manifest, SITE } from "../browser/helpers.mjs";

let server, browser;
const policies = manifest().policies;
const clausesOf = (id, status = "current") => {
  const policy = policies.find((p) => p.id === id);
  const version = policy.versions.find((v) => v.status === status);
  return JSON.parse(readFileSync(join(SITE, version.clauses), "utf8")).clauses;
};
const clause = (id, number) => clausesOf(id).find((c) => c.number === number);

before(async () => { server = await serveSite(); browser = await launch(); });
after(async () => { await browser.close(); await server.close(); });

async function search(page, query) {
  await page.getByLabel("Find a clause or a policy").fill(query);
  await page.keyboard.press("Enter");
}

test("a policy named with a clause number goes straight to that policy's clause", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.base + "index.html");
  const wanted = clause("code-of-conduct", "2.3");
  await search(page, "code of conduct 2.3");
  await page.waitForURL((url) => url.href.endsWith(wanted.url), { timeout: 10000 });
  assert.equal(await page.locator(":target").getAttribute("data-clause"), "2.3");
  await page.close();
});

test("a number several policies share lists them, each clause linked", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.base + "index.html");
  await search(page, "2.1");
  const found = page.locator(".cb-search-clauses li a");
  await found.first().waitFor({ timeout: 10000 });
  const hrefs = await found.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(hrefs.sort(), [clause("code-of-conduct", "2.1").url, clause("social-media", "2.1").url].sort());
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});

test("a number searched from a policy's page goes to that policy's clause", async () => {
  const page = await browser.context.newPage();
  const wanted = clause("code-of-conduct", "2.1");
  await page.goto(server.base + clause("code-of-conduct", "1.1").url.split("#")[0]);
  // The theme's search box in the sidebar, on the policy's own page.
  await page.getByRole("textbox", { name: "Search" }).fill("2.1");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.href.endsWith(wanted.url), { timeout: 10000 });
  await page.close();
});

test("the home page and its search work on a phone, with nothing from outside", async () => {
  const phone = await launch({ viewport: { width: 360, height: 740 } });
  const page = await phone.context.newPage();
  await page.goto(server.base + "index.html");
  const box = await page.getByLabel("Find a clause or a policy").boundingBox();
  assert.ok(box.width <= 360 && box.height >= 44, JSON.stringify(box));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling (${width}px)`);
  await page.screenshot({ path: join(process.env.CLAUSEBOOK_SCREENSHOTS ?? "/tmp", "many-home-phone.png"), fullPage: true });
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(phone.outside, []);
  await phone.close();
});

test("a reference to another policy's clause sits in its sentence, on one line", async () => {
  const page = await browser.context.newPage();
  const at = clause("code-of-conduct", "2.1");
  await page.goto(server.base + at.url);
  const sentence = page.locator(":target .cb-clause-body p").first();
  const reference = sentence.locator(".cb-clause-ref");
  assert.equal(await reference.textContent(), "clause 4.4 of the Social media policy");
  assert.equal(await reference.evaluate((el) => getComputedStyle(el).display), "inline");
  const lines = await sentence.evaluate((p) => p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
  assert.ok(lines < 1.5, `the sentence takes ${lines.toFixed(1)} lines`);
  await page.close();
});

// The fixture released the expenses policy's 1.1: a clause inserted before 1.1, and 1.0's 1.2
// removed. Someone with a print of 1.0 searches its numbers.
async function clauseResults(page, query) {
  await page.goto(server.base + "index.html");
  await search(page, query);
  const section = page.locator(".cb-search-clauses");
  await section.waitFor({ timeout: 10000 });
  return section;
}

test("a number that named another clause in an earlier version shows both, never one silently", async () => {
  const page = await browser.context.newPage();
  const section = await clauseResults(page, "expenses 1.1");
  const was = clausesOf("expenses", "superseded").find((c) => c.number === "1.1");
  const moved = clausesOf("expenses").find((c) => c.text === was.text);
  assert.equal(moved.number, "1.2");
  const items = section.locator("li");
  assert.equal(await items.count(), 2);
  assert.equal(await items.nth(0).locator("a").first().getAttribute("href"), clause("expenses", "1.1").url);
  const earlier = items.nth(1);
  assert.equal(await earlier.locator("a").first().textContent(), "1.1 in version 1.0");
  assert.equal(await earlier.locator("a").first().getAttribute("href"), was.url);
  assert.match(await earlier.textContent(), /In the version in force, this clause is clause 1\.2\./);
  assert.equal(await earlier.locator("p a").getAttribute("href"), moved.url);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});

test("a number whose clause a later version removed says so", async () => {
  const page = await browser.context.newPage();
  const section = await clauseResults(page, "expenses 1.2");
  const gone = clausesOf("expenses", "superseded").find((c) => c.number === "1.2");
  assert.ok(!clausesOf("expenses").some((c) => c.text === gone.text), "the fixture removed it");
  const earlier = section.locator("li").nth(1);
  assert.equal(await earlier.locator("a").first().getAttribute("href"), gone.url);
  assert.match(await earlier.textContent(), /A later version removed this clause\./);
  await page.close();
});

test("a number no policy has, now or before, is said to be none", async () => {
  const page = await browser.context.newPage();
  const section = await clauseResults(page, "9.9");
  assert.equal(await section.locator("h2").textContent(), "No clause 9.9");
  assert.match(await section.textContent(), /No policy in force has a clause 9\.9/);
  assert.ok(page.url().includes("search.html"));
  await page.close();
});

test("a number written as in a sentence is read as the number", async () => {
  for (const query of ["expenses 1.1.", "Expenses policy (1.1)", "clause 1.1, expenses", "expenses:1.1"]) {
    const page = await browser.context.newPage();
    const section = await clauseResults(page, query);
    assert.equal(await section.locator("h2").textContent(), "Clause 1.1, in force and in earlier versions", query);
    await page.close();
  }
});

test("a policy named with a number it has no clause of is named in the answer", async () => {
  const page = await browser.context.newPage();
  const section = await clauseResults(page, "code of conduct 9.9");
  assert.equal(await section.locator("h2").textContent(), "No clause 9.9");
  assert.match(await section.textContent(), /The Staff code of conduct has no clause 9\.9, and had none/);
  await page.close();
});
