// Times the map page: from navigation until the first (clustered) incident
// layer is drawn, as the page itself measures it, and the whole load.
import { launch, guard, outside, BASE } from "./lib.mjs";
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await guard(context);
const page = await context.newPage();
const total = await (await fetch(BASE + "/healthz")).json();
const runs = [];
for (let i = 0; i < 3; i++) {
  const t0 = Date.now();
  await page.goto(BASE + "/?run=" + i + "#/map");
  await page.waitForSelector('#map[data-loaded="true"]', { timeout: 120000 });
  runs.push([Date.now() - t0, Number(await page.evaluate(() => document.body.dataset.mapLoadedMs))]);
}
const count = await page.textContent("#map-count");
console.log(`map load with Record size ${total.size} (${count}): ` + runs.map(([w, p]) => `${w} ms wall / ${p} ms in page`).join("; "));
await browser.close();
if (outside.length) { console.log("requests left loopback: " + outside.join(", ")); process.exit(1); }
