import { chromium } from "playwright-core";
import fs from "node:fs";
const dir = fs.mkdtempSync("/tmp/chr-");
const ctx = await chromium.launchPersistentContext(dir, { executablePath: "/usr/bin/chromium",
  args: ["--headless","--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--no-first-run","--disable-quic","--disable-sync"] });
const page = await ctx.newPage();
page.on("console", m => console.log("console:", m.text().slice(0, 400)));
page.on("pageerror", e => console.log("pageerror:", e.message));
page.on("requestfailed", r => console.log("failed:", r.url()));
page.on("response", r => { if (r.status() >= 400) console.log("status", r.status(), r.url()); });
const t0 = Date.now();
page.on("request", r => console.log("req", r.url().slice(0,120)));
await page.goto(process.argv[2]);
await page.waitForFunction(() => document.querySelector("[data-cb-widget]")?.dataset.engine !== "loading", null, { timeout: 15000 }).catch(() => {});
console.log("engine:", await page.evaluate(() => document.querySelector("[data-cb-widget]").dataset.engine), Date.now() - t0, "ms");
await ctx.close();
