// Times the map page with many incidents: from navigation until the first
// clustered view is drawn (as the page itself measures it, and as seen from
// here), then one view after a zoom and one after a pan. The first load
// after the Record grew includes the server building its map index.
import { launch, guard, outside, BASE } from "./lib.mjs";
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await guard(context);
const page = await context.newPage();
const total = await (await fetch(BASE + "/healthz")).json();
const loads = [];
for (let i = 0; i < 3; i++) {
  const t0 = Date.now();
  await page.goto(BASE + "/?run=" + i + "#/map");
  await page.waitForSelector('#map[data-loaded="true"]', { timeout: 120000 });
  loads.push([Date.now() - t0, Number(await page.evaluate(() => document.body.dataset.mapLoadedMs))]);
}
const count = await page.textContent("#map-count");
async function timedView(action) {
  const before = Number(await page.getAttribute("#map", "data-loads"));
  const t0 = Date.now();
  await action();
  await page.waitForFunction((n) => Number(document.querySelector("#map").dataset.loads) > n, before, { timeout: 60000 });
  return [Date.now() - t0, Number(await page.getAttribute("#map", "data-view-ms"))];
}
const zoom = await timedView(() => page.click(".leaflet-control-zoom-in"));
const box = await page.locator("#map").boundingBox();
const pan = await timedView(async () => {
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 300, box.y + box.height / 2 - 100, { steps: 5 });
  await page.mouse.up();
});
const points = await page.locator("#map .leaflet-marker-icon").count();
console.log(`map load with Record size ${total.size} (${count}): ` +
  loads.map(([w, p], i) => `${i === 0 ? "first" : "again"} ${w} ms wall / ${p} ms in page`).join("; "));
console.log(`map view after a zoom: ${zoom[0]} ms wall (${zoom[1]} ms request and drawing); after a pan: ${pan[0]} ms wall (${pan[1]} ms); wall times include the map's 150 ms settle delay; ${points} points drawn`);
await browser.close();
if (outside.length) { console.log("requests left loopback: " + outside.join(", ")); process.exit(1); }
