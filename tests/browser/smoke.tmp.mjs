import { launch, BASE } from "./lib.mjs";
const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
page.on("console", (m) => { if (m.type() === "error") console.log("console:", m.text()); });
page.on("pageerror", (e) => console.log("pageerror:", String(e)));
for (const lang of (process.env.LANGS || "en,ru").split(",")) {
  for (const hash of ["#/map", "#/register", "#/register?tab=incidents", "#/decisions", "#/bulletin", "#/regime", "#/exchanges", "#/review", "#/record", "#/login", "#/file"]) {
    await page.goto(BASE + "/?lang=" + lang + hash);
    try { await page.waitForSelector('main[data-ready="true"]', { timeout: 15000 }); } catch (e) { console.log("TIMEOUT", lang, hash); }
    const r = await page.evaluate(() => ({ missing: document.documentElement.dataset.missingKeys || "", h1: (document.querySelector("h1") || {}).textContent, err: [...document.querySelectorAll(".error")].map((e) => e.textContent).join(" | ") }));
    console.log(lang, hash, "|", r.h1, "| missing:", r.missing, "| errors:", r.err);
  }
}
await browser.close();
