import { serveSite, launch } from "../tests/browser/helpers.mjs";
const { base, close } = await serveSite("/tmp/instr");
const url = `${base}social-media/1.0/should-i-post.html`;
for (let run = 0; run < 3; run++) {
  const b = await launch();
  for (const visit of ["cold", "warm"]) {
    const page = await b.context.newPage();
    const phases = [];
    page.on("console", (m) => { const t = m.text(); if (t.startsWith("PHASE")) phases.push(t.split(" ")); });
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName("clausebook:engine-ready").length > 0, null, { timeout: 30000 });
    const origin = await page.evaluate(() => performance.timeOrigin);
    const ready = await page.evaluate(() => performance.getEntriesByName("clausebook:engine-ready")[0].startTime);
    await page.waitForTimeout(visit === "cold" ? 3000 : 500);
    console.log(`${visit} run ${run}: ready ${ready.toFixed(0)} ms | ` + phases.map(([, what, at]) => `${what} ${(Number(at) - origin).toFixed(0)}`).join(", "));
    await page.close();
  }
  await b.close();
}
await close();
