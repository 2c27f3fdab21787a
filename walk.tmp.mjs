import { chromium } from "playwright-core";
import fs from "node:fs";
const dir = fs.mkdtempSync("/tmp/chr-");
const ctx = await chromium.launchPersistentContext(dir, { executablePath: "/usr/bin/chromium",
  args: ["--headless","--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--no-first-run","--disable-quic","--disable-sync"], viewport: {width: 390, height: 1100} });
const page = await ctx.newPage();
page.on("console", m => console.log("console:", m.text().slice(0, 300)));
await page.goto("http://127.0.0.1:8765/social-media/1.0/should-i-post.html");
await page.waitForSelector('[data-engine="ready"]');
for (const label of ["Post, comment or share something on social media", "Personally, on my own account", "No, in my own time on my own device", "The school or the Trust itself", "How the school or Trust is performing (results, inspections, finances)"]) {
  await page.getByRole("button", { name: label }).click();
}
console.log(page.url());
await page.screenshot({ path: "/tmp/t2.png", fullPage: true });
await page.goto("http://127.0.0.1:8765/social-media/1.0/quiz.html");
await page.waitForSelector('[data-engine="ready"]');
await page.locator("fieldset").first().locator("input").nth(1).check();
await page.locator("fieldset").nth(1).locator("input").nth(0).check();
await page.getByRole("button", { name: "Check answers" }).click();
await page.waitForSelector(".cb-score-line");
console.log(await page.locator(".cb-score-line").textContent());
await page.screenshot({ path: "/tmp/t3.png" });
await ctx.close();
