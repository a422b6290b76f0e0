// End-to-end tests of the web interface: the public, an observer and a
// guarantor member whose browser signs its own report.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { launch, guard, outside, assert, BASE } from "./lib.mjs";
import en from "../../crates/server/web/lang/en.js";
import ru from "../../crates/server/web/lang/ru.js";
import tr from "../../crates/server/web/lang/tr.js";
import fa from "../../crates/server/web/lang/fa.js";
import ar from "../../crates/server/web/lang/ar.js";

const shots = process.env.TRUCE_SCREENSHOTS || "target/screenshots";
const control = process.env.TRUCE_CONTROL;
fs.mkdirSync(shots, { recursive: true });

const results = [];
async function test(name, body) {
  const started = Date.now();
  try { await body(); results.push([name, "ok", Date.now() - started]); console.log(`ok   ${name}`); }
  catch (e) { results.push([name, "FAILED", Date.now() - started]); console.log(`FAIL ${name}\n  ${e.stack || e}`); }
}

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await guard(context);
const page = await context.newPage();
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(String(e)));

async function go(hash) {
  await page.evaluate(() => { const m = document.getElementById("main"); if (m) m.dataset.ready = "false"; }).catch(() => {});
  await page.goto(BASE + "/" + hash);
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
}
// A fresh page load, even where the page already shows that view.
let loadsSoFar = 0;
async function load(hash) {
  await page.goto(BASE + "/?load=" + ++loadsSoFar + hash);
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
}
// Runs an action that changes the page (a click on a link or button that
// routes) and waits for the new view.
async function navigate(action) {
  await page.evaluate(() => { document.getElementById("main").dataset.ready = "false"; });
  await action();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
}
async function navigateIn(other, action) {
  await other.evaluate(() => { document.getElementById("main").dataset.ready = "false"; });
  await action();
  await other.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
}
async function shot(name) { await page.screenshot({ path: path.join(shots, name + ".png"), fullPage: true }); }
async function login(token) {
  await go("#/login");
  if (await page.locator("#logout").count()) { await page.click("#logout"); await go("#/login"); }
  await page.fill("#token", token);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector("#login-message.ok");
}
async function logout() {
  await page.evaluate(() => sessionStorage.clear());
}
async function publicCount(day) {
  return page.evaluate(async (d) => {
    const b = await (await fetch("/api/v1/bulletin?date=" + d)).json();
    return b.parties.reduce((n, p) => n + p.registered, 0);
  }, day);
}

await test("the public sees the map, drawn from local data only", async () => {
  await go("#/map");
  await page.waitForSelector('#map[data-loaded="true"]');
  const paths = await page.locator("#map path.leaflet-interactive, #map svg path").count();
  assert(paths >= 14, `governorate boundaries drawn (${paths})`);
  const markers = await page.locator("#map .leaflet-marker-icon").count();
  assert(markers > 0, "incident markers drawn");
  console.log(`     map loaded in ${await page.evaluate(() => document.body.dataset.mapLoadedMs)} ms (demo Record)`);
  await shot("map");
});

await test("the map asks for each view, filters, and opens an incident", async () => {
  await load("#/map");
  await page.waitForSelector('#map[data-loaded="true"]');
  const loads = async () => Number(await page.getAttribute("#map", "data-loads"));
  const nextView = async (action) => {
    const before = await loads();
    const request = page.waitForRequest((r) => r.url().includes("/api/v1/incidents.geojson"));
    await action();
    const url = new URL((await request).url());
    await page.waitForFunction((n) => Number(document.querySelector("#map").dataset.loads) > n, before);
    return url.searchParams;
  };
  const shown = async () => Number((await page.textContent("#map-count")).replace(/\D+/g, " ").trim().split(" ")[0]);
  const all = await shown();
  // Zooming asks the server for the new view: its box and zoom.
  const zoomBefore = Number((await nextView(() => page.click("#map-filters button[type=submit]"))).get("zoom"));
  const zoomed = await nextView(() => page.click(".leaflet-control-zoom-in"));
  assert(Number(zoomed.get("zoom")) === zoomBefore + 1, `zoom asked for (${zoomed})`);
  const bbox = zoomed.get("bbox").split(",").map(Number);
  assert(bbox.length === 4 && bbox[0] < bbox[2] && bbox[1] < bbox[3], "a bounding box: " + zoomed.get("bbox"));
  await nextView(() => page.click(".leaflet-control-zoom-out"));
  // A type filter goes to the server and can only narrow the count.
  await page.selectOption("#map-type", "shelling");
  const filtered = await nextView(() => page.click("#map-filters button[type=submit]"));
  assert(filtered.get("type") === "shelling", "type sent");
  assert(await shown() <= all, "the filter narrows");
  assert(await page.locator("#map-party").count() === 0, "no guarantor filter for the public");
  await page.selectOption("#map-type", "");
  const unfiltered = await nextView(() => page.click("#map-filters button[type=submit]"));
  // The same view as a table: one row per mark, and a cluster's button zooms to it.
  await page.click("#map-table-view summary");
  const marks = await page.locator("#map .leaflet-marker-icon").count();
  assert(await page.locator("#map-table tbody tr").count() === marks, "a row for each mark on the map");
  if (await page.locator("#map-table .zoom-cluster").count()) {
    const zoomedIn = await nextView(() => page.click("#map-table .zoom-cluster"));
    assert(Number(zoomedIn.get("zoom")) > Number(unfiltered.get("zoom")), "the table's button zooms to the cluster");
    await shot("map-table");
    await nextView(() => page.click("#map-filters button[type=submit]"));
  }
  // Groups split as the map zooms to them, until an incident can be opened
  // from the keyboard.
  for (let i = 0; i < 10 && await page.locator("#map .incident-dot").count() === 0; i++) {
    await nextView(() => page.click("#map .cluster-icon"));
  }
  const dot = page.locator("#map .incident-dot").first();
  const id = await dot.getAttribute("data-incident");
  assert(id, "an incident on the map");
  await dot.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => location.hash === "#/incident/" + n, id);
  await page.waitForSelector('main[data-ready="true"]');
});

await test("the public reads only the public bulletin", async () => {
  await go("#/bulletin");
  await page.waitForSelector("#bulletin-text");
  const text = await page.textContent("#bulletin-text");
  assert(text.length > 50 && !text.startsWith("Loading"), "bulletin text shown");
  const internal = await page.locator('#bulletin-edition option[value="internal"]').count();
  assert(internal === 0, "no internal edition offered to the public");
  const status = await page.evaluate(async () => (await fetch("/api/v1/bulletin?edition=internal")).status);
  assert(status === 401, "internal edition refused: " + status);
  await page.waitForSelector("#bulletin-chart .uplot");
  await shot("bulletin-public");
});

await test("the public sees reports redacted and no incidents", async () => {
  await go("#/register");
  await page.waitForSelector("#register-results table");
  await shot("register-public");
  await go("#/register?tab=incidents");
  assert((await page.textContent("#register-results")).includes("token"), "incidents need a token");
});

await test("the Record verifies its checkpoint, cosignatures and an inclusion proof in the browser", async () => {
  await go("#/record");
  await page.click("#verify-button");
  await page.waitForSelector("#verify-result[data-verified]");
  assert(await page.getAttribute("#verify-result", "data-verified") === "true", await page.textContent("#verify-result"));
  assert(await page.getAttribute("#check-signature", "data-ok") === "true", "the node's signature verifies");
  assert(await page.getAttribute("#check-quorum", "data-ok") === "true", await page.textContent("#check-quorum"));
  const cosigned = await page.locator('#witnesses tr[data-status="verified"]').count();
  assert(cosigned >= 2, `witness cosignatures verified (${cosigned})`);
  await page.fill("#verify-position", "3");
  await page.click("#verify-button");
  await page.waitForFunction(() => document.querySelector("#verify-result").textContent.includes("entry 3"));
  await shot("record");
});

// The node (or anything between it and the browser) alters the checkpoint:
// the page must say it does not verify.
async function withCheckpoint(alter, body) {
  await page.route("**/api/v1/checkpoint", async (route) => {
    const response = await route.fetch();
    const checkpoint = await response.json();
    alter(checkpoint);
    await route.fulfill({ response, json: checkpoint });
  });
  try { await body(); } finally { await page.unroute("**/api/v1/checkpoint"); }
}
function flipBase64(text, at) {
  const i = at < 0 ? text.length + at : at;
  return text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
}
await test("a tampered checkpoint does not verify in the browser", async () => {
  await withCheckpoint((c) => {
    const root = flipBase64(c.root, 5);
    c.note = c.note.replace(c.root, root);
    c.root = root;
  }, async () => {
    await load("#/record");
    await page.click("#verify-button");
    await page.waitForSelector("#verify-result[data-verified]");
    assert(await page.getAttribute("#verify-result", "data-verified") === "false", "an altered root is refused");
    assert(await page.getAttribute("#check-signature", "data-ok") === "false", "the node's signature fails");
    await shot("record-tampered");
  });
  await withCheckpoint((c) => {
    // Every witness's cosignature altered: the node's signature still
    // holds, the quorum does not.
    for (const line of c.cosignatures) {
      const [dash, name, sig] = line.split(" ");
      const forged = [dash, name, flipBase64(sig, -8)].join(" ");
      c.note = c.note.replace(line, forged);
    }
  }, async () => {
    await load("#/record");
    await page.click("#verify-button");
    await page.waitForSelector("#verify-result[data-verified]");
    assert(await page.getAttribute("#check-signature", "data-ok") === "true", "the node's signature still verifies");
    assert(await page.getAttribute("#check-quorum", "data-ok") === "false", "forged cosignatures do not count");
    const invalid = await page.locator('#witnesses tr[data-status="invalid"]').count();
    assert(invalid >= 2, `forged cosignatures are shown as such (${invalid})`);
  });
});

let publicKey;
await test("the public cannot file, but can create this browser's key", async () => {
  await go("#/file");
  assert(await page.locator("#cannot-file").isVisible(), "a clear refusal");
  await page.click("#enrol");
  await page.waitForSelector("#public-key");
  publicKey = (await page.textContent("#public-key")).trim();
  assert(/^[0-9a-f]{64}$/.test(publicKey), "public key in hex: " + publicKey);
  await shot("file-public");
});

await test("an observer cannot file", async () => {
  await login(process.env.TRUCE_OBSERVER_TOKEN);
  await go("#/file");
  const text = await page.textContent("#cannot-file");
  assert(text.includes("Observers cannot file"), text);
  assert(await page.locator("#report-form").count() === 0, "no form for observers");
  await go("#/register?tab=incidents");
  const first = await page.getAttribute("#register-results a[href^='#/incident/']", "href").catch(() => null);
  if (first) {
    await go(first);
    await page.waitForSelector("#cannot-assess");
    assert(await page.locator("#assess-form").count() === 0, "no assessment form for observers");
  }
  await go("#/register?tab=incidents");
  await page.waitForSelector("#register-results table");
  await shot("file-observer");
  await logout();
});

await test("exchanges show counts and statuses to members, nothing to the public", async () => {
  // A fresh page load: the session is read once, at start.
  await logout();
  await page.goto(BASE + "/#/exchanges");
  await page.reload();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  assert(await page.locator("#exchanges-need-token").count() === 1, "the public is asked for a token");
  await login(process.env.TRUCE_OBSERVER_TOKEN);
  await go("#/exchanges");
  await page.waitForSelector("#exchange-lists");
  const lists = await page.textContent("#exchange-lists");
  assert(lists.includes("sought") && lists.includes("held"), lists);
  const released = await page.locator('td[data-status="released"]').count();
  assert(released > 0, "released persons are shown");
  const text = await page.textContent("main");
  assert(!/al-|Mohammed|Muhammad|Ahmad/.test(text.replace(/Abu al-Zuhur/g, "")), "no names on the page");
  await shot("exchanges-observer");
  await logout();
  await page.reload();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
});

await test("a guarantor reads a bulletin into drafts and sees the evidence marked", async () => {
  await login(process.env.TRUCE_GUARANTOR_CLI_TOKEN);
  await go("#/review");
  await page.click('#ingest-form button[type="submit"]');
  await page.waitForSelector("#ingest-result .error");
  await page.fill("#ingest-text", "Over the past 24 hours the Russian side registered 5 ceasefire violations in the provinces of Latakia (3) and Aleppo (2).");
  await page.fill("#ingest-published", "2026-11-20");
  await page.click('#ingest-form button[type="submit"]');
  await page.waitForSelector("#ingested");
  const link = await page.getAttribute("#draft-list a", "href");
  await go(link);
  await page.waitForSelector("#draft-text mark");
  const fields = await page.$$eval("#draft-text mark", (marks) => marks.map((m) => m.dataset.field));
  assert(fields.length >= 3, "fields marked: " + fields.join(","));
  assert(fields.some((f) => f.startsWith("governorate")), "governorates marked: " + fields.join(","));
  assert(!(await page.textContent("#draft-text")).includes("]]"), "no marker left in the text");
  const candidates = await page.textContent("#draft-candidates");
  assert(candidates.includes("Latakia 3") && candidates.includes("Aleppo 2"), candidates);
  await shot("review-draft");
  await logout();
  await page.reload();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
});

await test("the regime page: agreements for all, compliance, measures, meetings and documents for members", async () => {
  await go("#/regime");
  await page.waitForSelector("#agreements");
  assert((await page.textContent("#agreements")).includes("art-1"), "clauses are public");
  assert(await page.locator("#regime-need-token").count() === 1, "the rest needs a token");
  await login(process.env.TRUCE_OBSERVER_TOKEN);
  await go("#/regime");
  await page.waitForSelector("#compliance");
  assert(await page.locator("#compliance tbody tr").count() >= 10, "every formation is judged");
  assert((await page.textContent("#meetings")).includes("United Nations"), "observers of the meeting are listed");
  assert((await page.textContent("#documents")).includes("approved by"), "approvals are shown");
  await shot("regime-observer");
  await go("#/map");
  await page.waitForSelector("#map[data-zones]");
  await logout();
  await page.reload();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
});

let position, today, browserToken, proposed;
// A file attached to the report filed in the browser.
const photo = Buffer.from("a small photograph of the crater, from the browser test");
const photoSha = crypto.createHash("sha256").update(photo).digest("hex");
// The joining token names a member not yet in the Record (ru-monitor-3);
// the key made in this browser is asked for with it, admitted in the
// operator's own browser, and signs as that same member at once.
await test("a browser key asked for with a joining token, admitted in the operator's browser, with no restart", async () => {
  assert(publicKey, "enrolled");
  const joinToken = process.env.TRUCE_JOIN_TOKEN;
  const whoBefore = await page.evaluate(async (token) => (await fetch("/api/v1/whoami", { headers: { Authorization: "Bearer " + token } })).status, joinToken);
  assert(whoBefore === 401, "the joining token reads nothing before the admission: " + whoBefore);
  await logout();
  await go("#/join");
  const fingerprint = (await page.textContent("#join-fingerprint")).trim();
  assert(fingerprint.replace(/ /g, "").length === 32, "the key id as the fingerprint: " + fingerprint);
  // Empty fields are refused before anything is sent.
  await page.click("#join-submit");
  await page.waitForSelector('#join-token[aria-invalid="true"]');
  await page.fill("#join-token", joinToken);
  await page.fill("#join-party", "Russian Federation");
  await page.click("#join-submit");
  await page.waitForSelector("#join-sent, #join-result .error", { timeout: 20000 });
  assert(await page.locator("#join-sent").count() === 1, await page.textContent("#join-result"));
  assert(await page.getAttribute("#join-sent", "data-member") === "ru-monitor-3", "asked for the token's member");
  assert((await page.textContent("#join-sent")).includes(fingerprint), "the request shows the fingerprint");
  await shot("join-requested");
  // The operator, in another browser holding the secretariat's key.
  const operator = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await guard(operator);
  await operator.addInitScript((token) => sessionStorage.setItem("truce.token", token), process.env.TRUCE_OPERATOR_TOKEN);
  const op = await operator.newPage();
  op.on("pageerror", (e) => consoleErrors.push(String(e)));
  await op.goto(BASE + "/#/join");
  await op.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  const keyFile = JSON.parse(fs.readFileSync(process.env.TRUCE_OPERATOR_KEY, "utf8"));
  await op.evaluate(async ({ secret, pub }) => {
    const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
    const pkcs8 = new Uint8Array([...bytes("302e020100300506032b657004220420"), ...bytes(secret)]);
    const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    const publicKey = await crypto.subtle.importKey("raw", bytes(pub), { name: "Ed25519" }, true, ["verify"]);
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open("truce", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("keys");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction("keys", "readwrite");
      tx.objectStore("keys").put({ privateKey, publicKey }, "signing");
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }, { secret: keyFile.secret, pub: keyFile.public_key });
  await op.reload();
  await op.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  const row = op.locator('#join-requests tr[data-member="ru-monitor-3"]');
  await row.waitFor();
  assert((await row.textContent()).includes(fingerprint), "the operator sees the same fingerprint");
  const axeSource = fs.readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  await op.evaluate(axeSource);
  const violations = await op.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  })).violations.map((v) => v.id));
  assert(violations.length === 0, "axe-core on the waiting keys: " + violations.join(", "));
  await op.screenshot({ path: path.join(shots, "join-waiting.png"), fullPage: true });
  await op.click('.join-admit[data-member="ru-monitor-3"]');
  await op.waitForSelector('.join-admitted[data-member="ru-monitor-3"], #join-requests .error', { timeout: 20000 });
  assert(await op.locator('.join-admitted[data-member="ru-monitor-3"]').count() === 1, await op.textContent("#join-requests"));
  await op.screenshot({ path: path.join(shots, "join-admitted.png"), fullPage: true });
  await operator.close();
  browserToken = joinToken;
});

// An observer's browser, open while the report below is filed: it hears
// of it from the node's live stream, with no reload.
let watcher = null;
await test("an observer's browser follows the Record live", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await guard(ctx);
  await ctx.addInitScript((token) => sessionStorage.setItem("truce.token", token), process.env.TRUCE_OBSERVER_TOKEN);
  const p = await ctx.newPage();
  p.on("pageerror", (e) => consoleErrors.push(String(e)));
  await p.goto(BASE + "/#/register");
  await p.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  await p.waitForSelector('html[data-live="on"]', { timeout: 20000 });
  watcher = { ctx, page: p };
});

await test("a guarantor member files a report on the map, signed in the browser", async () => {
  assert(browserToken, "the browser's key was admitted");
  await login(browserToken);
  assert((await page.textContent("#login-message")).includes("ru-monitor-3"), "the token names the new member");
  await go("#/file");
  await page.waitForSelector("#admitted");
  assert((await page.textContent("#admitted")).includes("ru-monitor-3"), "the key signs as the token's member");
  await page.waitForSelector("#report-form");
  today = await page.evaluate(() => new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 10));
  const before = await publicCount(today);
  // Validation first: nothing chosen on the map, empty texts.
  await page.click("#file-submit");
  await page.waitForSelector("#form-summary .error");
  assert(await page.getAttribute("#lat", "aria-invalid") === "true", "latitude flagged");
  // A point outside the country (Ankara) is refused by the field, before signing.
  await page.fill("#lat", "39.93");
  await page.fill("#lon", "32.85");
  await page.click("#file-submit");
  await page.waitForFunction(() => document.getElementById("lat-error").textContent.includes("outside the country"));
  assert(await page.getAttribute("#lat", "aria-invalid") === "true", "the point outside is flagged by its field");
  // Pick the location on the map (the middle of the boundaries).
  const box = await page.locator("#pick-map").boundingBox();
  await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.4);
  assert((await page.inputValue("#lat")) !== "", "the map sets the latitude");
  await page.fill("#lat", "35.4414");
  await page.fill("#lon", "36.6497");
  await page.fill("#place", "Khan Shaykhun, browser test");
  await page.selectOption("#type", "shelling");
  await page.fill("#source", "observation post 7");
  await page.fill("#narrative", "Shelling observed from the post, filed from the browser test.");
  await page.fill("#injured", "2");
  await page.setInputFiles("#evidence", { name: "crater.jpg", mimeType: "image/jpeg", buffer: photo });
  await shot("file-form");
  await page.click("#file-submit");
  await page.waitForSelector("#filed, #file-result .error", { timeout: 20000 });
  const filed = page.locator("#filed");
  assert(await filed.count() === 1, await page.textContent("#file-result"));
  position = Number(await filed.getAttribute("data-position"));
  assert(position > 0, "position " + position);
  const after = await publicCount(today);
  assert(after === before + 1, `the public bulletin counts it (${before} -> ${after})`);
  await shot("file-filed");
});

await test("the report filed in one browser shows at once in another's", async () => {
  assert(watcher && position, "an observer watching and a report filed");
  const item = watcher.page.locator(`#live-list li[data-position="${position}"][data-kind="report_filed"]`);
  await item.waitFor({ timeout: 20000 });
  const text = await item.textContent();
  assert(text.includes("R-" + position) && text.includes("Russian Federation"), "the notice names the report and the party: " + text);
  assert(await item.locator("a").getAttribute("href") === "#/incident/" + position, "the notice links to the incident");
  await watcher.page.screenshot({ path: path.join(shots, "live-notice.png") });
  await navigateIn(watcher.page, () => item.locator("a").click());
  await watcher.page.waitForSelector("#reports-side-by-side");
  await watcher.ctx.close();
});

// Complaints from outside: sent by the public in the browser, followed by
// reference, declined by a guarantor (signed here) and another taken up as
// a report through the report form, its text named as evidence.
let complained = null;
await test("anyone sends a complaint; a guarantor declines one and takes another up as a report", async () => {
  assert(browserToken, "the browser's key was admitted");
  const sendOne = async (text) => {
    await logout();
    await load("#/complain");
    await page.click("#complaint-submit");
    await page.waitForSelector('#complaint-text[aria-invalid="true"]');
    await page.fill("#complaint-text", text);
    await page.fill("#complaint-place", "Khan Shaykhun");
    await page.fill("#complaint-from", "a resident");
    await page.click("#complaint-submit");
    await page.waitForSelector("#complaint-sent, #complaint-result .error", { timeout: 20000 });
    assert(await page.locator("#complaint-sent").count() === 1, await page.textContent("#complaint-result"));
    return page.getAttribute("#complaint-sent", "data-reference");
  };
  const vague = await sendOne("Gunfire all night somewhere north of us.");
  await shot("complaint-sent");
  const shelled = await sendOne("Three shells fell near the bakery at dawn; a boy was hurt.");
  complained = vague;
  await navigate(() => page.click('#complaint-sent a'));
  assert(await page.getAttribute("#complaint-status", "data-status") === "waiting", "the complainant sees it waiting");
  await login(browserToken);
  await go("#/complaints?waiting=true");
  const item = page.locator(`#complaints li[data-reference="${vague}"]`);
  await item.waitFor();
  await item.locator("button.complaint-decline").click();
  await item.locator(".error").waitFor();
  await item.locator("textarea").fill("No place or time precise enough to verify.");
  await item.locator("button.complaint-decline").click();
  await item.locator(".complaint-declined, .error").first().waitFor({ timeout: 20000 });
  assert(await item.locator(".complaint-declined").count() === 1, await item.textContent());
  await shot("complaints-queue");
  await navigate(() => page.click(`#complaints li[data-reference="${shelled}"] a.complaint-take-up`));
  await page.waitForSelector("#taking-up");
  assert((await page.inputValue("#narrative")).includes("bakery"), "the complaint's words to start from");
  assert(await page.inputValue("#source_kind") === "local_contact", "a local contact as the source");
  await page.fill("#lat", "35.4414");
  await page.fill("#lon", "36.6497");
  await page.selectOption("#type", "shelling");
  await page.click("#file-submit");
  await page.waitForSelector("#filed, #file-result .error", { timeout: 20000 });
  assert(await page.locator("#filed").count() === 1, await page.textContent("#file-result"));
  await logout();
  for (const [reference, status] of [[vague, "declined"], [shelled, "adopted"]]) {
    await go("#/complaint/" + reference);
    assert(await page.getAttribute("#complaint-status", "data-status") === status, `${reference} is ${status}`);
  }
  assert(!(await page.textContent("main")).includes("bakery"), "the status page shows no text");
  await login(browserToken);
});

await test("the filed report appears in the register and the bulletin", async () => {
  assert(position, "filed");
  await go(`#/register?from=${today}&to=${today}`);
  await page.waitForSelector(`tr[data-report="${position}"]`);
  await shot("register");
  await go("#/incident/" + position);
  await page.waitForSelector("#reports-side-by-side");
  assert((await page.textContent("main")).includes("browser test"), "the narrative is shown to members");
  assert((await page.textContent("#reports-side-by-side .zones")).includes("inside Northern de-escalation area"), "the zone that holds the place is named");
  // The file attached in the browser: named by its hash, held by the node.
  assert((await page.textContent("#reports-side-by-side .evidence")).includes(photoSha), "the report shows its evidence hash");
  const served = await page.evaluate(async (sha) => {
    const r = await fetch("/api/v1/evidence/" + sha, { headers: { Authorization: "Bearer " + sessionStorage.getItem("truce.token") } });
    return { status: r.status, type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition"), text: await r.text() };
  }, photoSha);
  assert(served.status === 200 && served.type === "image/jpeg" && served.disposition.startsWith("attachment")
    && served.text === photo.toString(), "the node serves the file: " + JSON.stringify(served));
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), page.click(`.evidence-link[data-sha="${photoSha}"]`)]);
  assert(download.suggestedFilename() === "crater.jpg", "downloaded as " + download.suggestedFilename());
  await shot("incident");
  // Assess it from the incident page, signed in the browser; an empty
  // reason is refused before anything is signed.
  await page.waitForSelector("#assess-form");
  await page.click("#assess-submit");
  await page.waitForSelector('#assess-reason[aria-invalid="true"]');
  await page.selectOption("#assess-position", "cannot_confirm");
  await page.fill("#assess-reason", "Not seen from our posts; assessed from the browser test.");
  await page.click("#assess-submit");
  await page.waitForSelector("#assessed, #assess-result .error", { timeout: 20000 });
  assert(await page.locator("#assessed").count() === 1, await page.textContent("#assess-result"));
  // Same address: load the page again rather than navigate.
  await page.reload();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  await page.waitForSelector("#reports-side-by-side");
  assert((await page.textContent("main")).includes("assessed from the browser test"), "the assessment is listed");
  await shot("incident-assessed");
  await go(`#/bulletin?date=${today}&edition=internal`);
  await page.waitForFunction(() => document.querySelector("#bulletin-text") && document.querySelector("#bulletin-text").textContent.includes("browser test"));
  await shot("bulletin-internal");
  await logout();
  await go(`#/bulletin?date=${today}`);
  const text = await page.textContent("#bulletin-text");
  assert(!text.includes("browser test"), "the public edition has no narrative or place");
});


await test("a request asked in the browser, and one asked of this party answered from its landing page", async () => {
  assert(browserToken && position, "a report filed from the browser");
  await login(browserToken);
  await go("#/incident/" + position);
  await page.waitForSelector("#ask-form");
  await page.click("#ask-submit");
  await page.waitForSelector("#ask-question-error:not(:empty)");
  await page.selectOption("#ask-to", "Republic of Türkiye");
  await page.fill("#ask-question", "Did your post south of the town see the same rounds?");
  await page.click("#ask-submit");
  await page.waitForSelector("#asked, #ask-result .error", { timeout: 20000 });
  assert(await page.locator("#asked").count() === 1, await page.textContent("#ask-result"));
  const asked = await page.getAttribute("#asked", "data-position");
  fs.writeFileSync(path.join(control, "ask.request"), "R-" + position);
  const done = path.join(control, "ask.done");
  for (let i = 0; i < 300 && !fs.existsSync(done); i++) await new Promise((r) => setTimeout(r, 200));
  assert(fs.existsSync(done), "the other party's request was made: " + (fs.existsSync(path.join(control, "ask.log")) ? fs.readFileSync(path.join(control, "ask.log"), "utf8") : ""));
  await load("#/awaiting");
  const item = page.locator("#awaiting-requests li[data-request]").first();
  await item.waitFor();
  const theirs = await item.getAttribute("data-request");
  await item.locator("textarea").fill("Post 7, about two kilometres north; three rounds seen.");
  await item.locator("button.request-answer-submit").click();
  await item.locator(".request-answered, .error").first().waitFor({ timeout: 20000 });
  assert(await item.locator(".request-answered").count() === 1, await item.textContent());
  await go("#/requests");
  await page.waitForSelector(`#requests li[data-request="${asked}"]`);
  assert(await page.getAttribute(`#requests li[data-request="${asked}"]`, "data-state") === "open", "ours waits for Türkiye");
  assert(await page.getAttribute(`#requests li[data-request="${theirs}"]`, "data-state") === "answered", "theirs is answered");
  await shot("requests");
});

let caseId = null;
await test("a verification case opened, tasked, visited and closed: the browser's party with the other two through the CLI", async () => {
  assert(browserToken && position, "a report filed from the browser");
  await login(browserToken);
  await go("#/incident/" + position);
  await page.waitForSelector("#case-open-form");
  await page.click("#case-open-form-submit");
  await page.waitForSelector("#case-open-form-result .error");
  await page.fill("#case-question", "Were the rounds fired from the positions west of the town?");
  await page.click("#case-open-form-submit");
  await page.waitForSelector("#case-open-form-result .ok, #case-open-form-result .error", { timeout: 20000 });
  caseId = await page.getAttribute("#case-open-form-result .ok", "data-position");
  assert(caseId, await page.textContent("#case-open-form-result"));
  await go("#/case/" + caseId);
  await page.waitForSelector("#case-task-form");
  assert(await page.locator("#case-visit-form").count() === 0, "no visit before a team is tasked");
  await page.fill("#case-team", "Joint team Idlib-1");
  await page.fill("#case-instructions", "Photograph the impact points and interview the shop owners.");
  await page.click("#case-task-form-submit");
  await page.waitForSelector("#case-task-form-result .ok", { timeout: 20000 });
  await load("#/case/" + caseId);
  await page.waitForSelector("#case-visit-form");
  await page.fill("#visit-place", "Market street");
  await page.fill("#visit-lat", "35.93");
  await page.fill("#visit-lon", "36.63");
  await page.fill("#visit-who", "Team lead, interpreter");
  await page.fill("#visit-interviews", "3");
  await page.fill("#visit-summary", "Two impact points on the market street; three shop owners heard the rounds.");
  await page.click("#case-visit-form-submit");
  await page.waitForSelector("#case-visit-form-result .ok, #case-visit-form-result .error", { timeout: 20000 });
  assert(await page.locator("#case-visit-form-result .ok").count() === 1, await page.textContent("#case-visit-form-result"));
  await load("#/case/" + caseId);
  await page.waitForSelector("#case-position-form");
  await page.selectOption("#case-severity", "minor_violation");
  await page.fill("#case-reason", "Impact points match the report; no one was hurt.");
  await page.click("#case-position-form-submit");
  await page.waitForSelector("#case-position-form-result .ok, #case-position-form-result .error", { timeout: 20000 });
  assert(await page.locator("#case-position-form-result .ok").count() === 1, await page.textContent("#case-position-form-result"));
  fs.writeFileSync(path.join(control, "case.positions"), "V-" + caseId);
  const done = path.join(control, "case.done");
  for (let i = 0; i < 300 && !fs.existsSync(done); i++) await new Promise((r) => setTimeout(r, 200));
  assert(fs.existsSync(done), "the other parties' positions: " + (fs.existsSync(path.join(control, "case.log")) ? fs.readFileSync(path.join(control, "case.log"), "utf8") : ""));
  await load("#/case/" + caseId);
  await page.waitForSelector("#case-finding");
  assert(await page.getAttribute("#case-finding [data-severity]", "data-severity") === "minor_violation", await page.textContent("#case-finding"));
  assert(await page.locator("#case-positions tr[data-party]").count() === 3, "three parties' positions");
  assert(await page.locator("#case-position-form").count() === 0, "a closed case takes no more positions");
  await shot("case-closed");
  await go("#/cases?step=closed");
  await page.waitForSelector(`#cases li[data-case="${caseId}"]`);
  await shot("cases");
});

await test("access and coverage: the map greys the governorates not observed, the access page tells why", async () => {
  const day = process.env.TRUCE_COVERAGE_DAY;
  assert(day, "the script names the day");
  // Russia registers a post, down all that day, and a denied patrol (through the node).
  fs.writeFileSync(path.join(control, "coverage.request"), day);
  const done = path.join(control, "coverage.done");
  for (let i = 0; i < 300 && !fs.existsSync(done); i++) await new Promise((r) => setTimeout(r, 200));
  const log = path.join(control, "coverage.log");
  assert(fs.existsSync(done), "coverage and access recorded: " + (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""));
  await logout();
  await load("#/map");
  await page.waitForSelector('#map[data-loaded="true"]');
  await page.waitForSelector("#map[data-not-observed]");
  assert(await page.isVisible("#legend-not-observed"), "the legend names the grey");
  assert((await page.textContent("#map-not-observed")).trim().length > 0, "the text alternative names them");
  await go("#/access?day=" + day);
  assert(await page.getAttribute('#coverage-governorates tr[data-governorate="SY-ID"]', "data-state") === "not_observed",
    "Idlib was not observed the day its post was down");
  assert(await page.locator("#access-list").count() === 0, "the public sees no restrictions of access");
  await login(process.env.TRUCE_OBSERVER_TOKEN);
  await go("#/access?day=" + day);
  await page.waitForSelector('#access-list tr[data-kind="denial"]');
  assert(await page.getAttribute('#assets tr[data-asset="op-7"]', "data-status") === "down", "the post was down at the day's end");
  await go("#/access?day=" + day + "&kind=jamming");
  await page.waitForSelector("#access-none");
  await shot("access");
});

await test("a decision proposed and voted in the browser; each decision says why it stands", async () => {
  assert(browserToken, "the browser's key was admitted");
  // Another party proposes a decision (through the node, with its own key).
  fs.writeFileSync(path.join(control, "propose.request"), "");
  const done = path.join(control, "propose.done");
  for (let i = 0; i < 300 && !fs.existsSync(done); i++) await new Promise((r) => setTimeout(r, 200));
  assert(fs.existsSync(done), "the other party's proposal was filed");
  await login(browserToken);
  await load("#/awaiting");
  await page.waitForSelector("#awaiting-decisions");
  const awaitingBefore = Number(await page.getAttribute("#awaiting-decisions .badge", "data-count"));
  const menuBefore = Number(await page.getAttribute("#awaiting-count", "data-count"));
  const target = await page.getAttribute("#awaiting-decisions li[data-decision]", "data-decision");
  assert(target, "another party's open decision awaits this party's vote");
  await shot("awaiting");
  // Propose a measure; the form refuses an empty title before signing.
  await go("#/decisions");
  await page.click("#propose summary");
  await page.selectOption("#p-type", "measure");
  await page.click("#propose-submit");
  await page.waitForSelector('#p-title[aria-invalid="true"]');
  await page.fill("#p-title", "Notice to the formation, from the browser test");
  await page.fill("#p-text", "The guarantors give notice; proposed from the browser test.");
  await page.fill("#p-references", "R-" + position);
  await page.click("#propose-submit");
  await page.waitForSelector("#proposed, #propose-result .error", { timeout: 20000 });
  assert(await page.locator("#proposed").count() === 1, await page.textContent("#propose-result"));
  proposed = Number(await page.getAttribute("#proposed", "data-position"));
  await go("#/decision/" + proposed);
  await page.waitForSelector("#decision-why");
  assert(await page.getAttribute("#decision-status", "data-status") === "open", "the proposal is open");
  assert(await page.getAttribute('#decision-votes tr[data-party="Russian Federation"]', "data-vote") === "endorse", "proposing endorses it");
  assert((await page.textContent("#decision-why")).startsWith("Open until"), await page.textContent("#decision-why"));
  await shot("decision-proposed");
  // Object to the other party's proposal: a reason is required.
  await go("#/decision/" + target);
  await page.waitForSelector("#vote-form");
  await page.check("#vote-object");
  await page.click("#vote-submit");
  await page.waitForSelector('#vote-reason[aria-invalid="true"]');
  await page.fill("#vote-reason", "Patrols need the formations' consent first; objected from the browser test.");
  await page.click("#vote-submit");
  await page.waitForSelector("#voted, #vote-result .error", { timeout: 20000 });
  assert(await page.locator("#voted").count() === 1, await page.textContent("#vote-result"));
  await page.reload();
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  await page.waitForSelector("#decision-votes");
  assert(await page.getAttribute('#decision-votes tr[data-party="Russian Federation"]', "data-vote") === "object", "the objection is counted");
  assert((await page.textContent("#dissent")).includes("objected from the browser test"), "the dissent is kept with its reason");
  const status = await page.getAttribute("#decision-status", "data-status");
  const why = await page.textContent("#decision-why");
  assert(why.startsWith({ open: "Open until", rejected: "Rejected at entry", adopted: "Adopted at entry", expired: "Expired" }[status]), status + ": " + why);
  await shot("decision-voted");
  // One vote fewer awaits the party, on the page and in the menu.
  await load("#/awaiting");
  await page.waitForSelector("#awaiting-decisions");
  assert(Number(await page.getAttribute("#awaiting-decisions .badge", "data-count")) === awaitingBefore - 1, "the vote no longer awaits");
  // The menu counts what the page lists (proposing a measure the ladder
  // called for may take it off the list of measures due, too).
  const listed = await page.$$eval('[id^="awaiting-"] h2 .badge', (badges) => badges.reduce((n, b) => n + Number(b.dataset.count), 0));
  const menuAfter = Number(await page.getAttribute("#awaiting-count", "data-count"));
  assert(menuAfter === listed && menuAfter < menuBefore, `the menu's count follows (${menuBefore} -> ${menuAfter}, the page lists ${listed})`);
  assert(await page.locator(`#awaiting-decisions li[data-decision="${target}"]`).count() === 0, "the decision voted on is gone from the list");
  // An adopted decision says why.
  await go("#/decisions");
  const adopted = await page.getAttribute("#decisions-adopted li[data-decision] a", "href");
  assert(adopted, "the demo has adopted decisions");
  await go(adopted);
  await page.waitForSelector("#decision-why");
  assert((await page.textContent("#decision-why")).startsWith("Adopted at entry"), await page.textContent("#decision-why"));
  await go("#/decisions");
  await shot("decisions");
});

await test("the register pages the whole register newest first, with its filters in the URL", async () => {
  await go(`#/register?from=2020-01-01&to=${today}`);
  await page.waitForSelector("#register-table");
  const total = Number(await page.getAttribute("#register-results", "data-total"));
  assert(total > 50, "more than one page: " + total);
  const days = () => page.$$eval("#register-table tbody tr", (rows) => rows.map((r) => r.dataset.occurred));
  const first = await days();
  assert(first.every((d, i) => i === 0 || first[i - 1] >= d), "newest first: " + first.join(" "));
  const newest = await page.evaluate(async (to) =>
    (await (await fetch(`/api/v1/reports?from=2020-01-01&to=${to}&sort=-date&limit=1`)).json()).items[0].fields.occurred, today);
  assert(first[0] === newest, `the first row is the register's newest (${first[0]} vs ${newest})`);
  await navigate(() => page.click("#next-page"));
  const hash = new URLSearchParams((await page.evaluate(() => location.hash)).split("?")[1]);
  assert(hash.get("offset") === "50" && hash.get("from") === "2020-01-01" && hash.get("sort") === "-date", "the page and filters are in the URL: " + hash);
  const second = await days();
  assert(second.length > 0 && second[0] <= first[first.length - 1], "page 2 goes on from page 1");
  await shot("register-page-2");
  await navigate(() => page.click("#sort-date"));
  const oldest = await days();
  assert(oldest.every((d, i) => i === 0 || oldest[i - 1] <= d), "oldest first after the sort: " + oldest.join(" "));
  assert((await page.evaluate(() => location.hash)).includes("sort=date"), "the order is in the URL");
  // A filter stays as the pages turn.
  await page.selectOption("#reg-type", "shelling");
  await navigate(() => page.click('#register-filters button[type="submit"]'));
  const types = await page.$$eval("#register-table tbody tr td:nth-child(5)", (cells) => [...new Set(cells.map((c) => c.textContent))]);
  assert(types.length === 1 && types[0] === "shelling", "only shelling: " + types);
  assert((await page.evaluate(() => location.hash)).includes("type=shelling"), "the filter is in the URL");
});

await test("keyboard: the skip link, the focus after a page change, Space on map controls", async () => {
  await load("#/register");
  await page.keyboard.press("Tab");
  assert(await page.evaluate(() => document.activeElement.id) === "skip-link", "the skip link comes first");
  await page.keyboard.press("Enter");
  assert(await page.evaluate(() => document.activeElement.id) === "view-title", "the skip link moves the focus to the content");
  assert(await page.evaluate(() => location.hash) === "#/register", "and is not a page");
  assert(await page.getAttribute("main", "data-view") === "register", "the page stays");
  await navigate(() => page.click('#nav a[href="#/bulletin"]'));
  assert(await page.evaluate(() => document.activeElement.id) === "view-title", "after a page change the heading has the focus");
  await page.waitForFunction(() => document.getElementById("status").textContent === document.getElementById("view-title").textContent);
  await go("#/map");
  await page.waitForSelector('#map[data-loaded="true"]');
  const before = Number(await page.getAttribute("#map", "data-loads"));
  const request = page.waitForRequest((r) => r.url().includes("/api/v1/incidents.geojson"));
  await page.focus(".leaflet-control-zoom-in");
  await page.keyboard.press(" ");
  await request;
  await page.waitForFunction((n) => Number(document.querySelector("#map").dataset.loads) > n, before);
});

await test("Leaflet and uPlot load only where used; the chart's series come in one request", async () => {
  const fresh = await context.newPage();
  const asked = [];
  fresh.on("request", (r) => asked.push(new URL(r.url()).pathname + new URL(r.url()).search));
  await fresh.goto(BASE + "/#/register");
  await fresh.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
  assert(!asked.some((u) => /leaflet|uPlot/.test(u)), "the register loads no map or chart library: " + asked.join(" "));
  asked.length = 0;
  await fresh.evaluate(() => { location.hash = "#/bulletin"; });
  await fresh.waitForSelector("#bulletin-chart .uplot", { timeout: 20000 });
  const series = asked.filter((u) => u.startsWith("/api/v1/bulletin/series")).length;
  const days = asked.filter((u) => u.startsWith("/api/v1/bulletin?")).length;
  assert(series === 1 && days <= 2, `one series request (${series}) and at most two for the day (${days}): ` + asked.join(" "));
  assert(asked.some((u) => u.includes("uPlot")) && !asked.some((u) => u.includes("leaflet")), "uPlot only: " + asked.join(" "));
  await fresh.close();
});

await test("phone width and right-to-left layout", async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await go("#/register");
  await page.waitForSelector("#register-results table");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, "no horizontal page scroll at phone width: " + overflow);
  // The finding is on screen, not scrolled away to the side.
  const finding = await page.locator("#register-table tbody td.finding").first().boundingBox();
  assert(finding && finding.x >= 0 && finding.x + finding.width <= 390, "the finding column is on screen: " + JSON.stringify(finding));
  await shot("register-phone");
  await page.goto(BASE + "/?lang=ar#/map");
  await page.waitForSelector('main[data-ready="true"]');
  assert(await page.getAttribute("html", "dir") === "rtl", "rtl");
  const overflowRtl = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflowRtl <= 1, "rtl layout does not overflow: " + overflowRtl);
  await shot("map-rtl-phone");
  await page.setViewportSize({ width: 1280, height: 900 });
});

await test("every form control has a label", async () => {
  const unlabeled = await page.evaluate(async () => {
    const bad = [];
    for (const hash of ["#/map", "#/register", "#/bulletin", "#/record", "#/login"]) {
      document.getElementById("main").dataset.ready = "false";
      location.hash = hash;
      for (let i = 0; i < 100 && document.getElementById("main").dataset.ready !== "true"; i++) await new Promise((r) => setTimeout(r, 50));
      for (const el of document.querySelectorAll("main input, main select, main textarea")) {
        if (!el.labels.length && !el.getAttribute("aria-label")) bad.push(hash + " " + (el.id || el.outerHTML));
      }
    }
    return bad;
  });
  assert(unlabeled.length === 0, unlabeled.join(", "));
});


// English text left on a page in another language: each English value
// (cut at its placeholders) that the language's table does not share,
// searched as whole words in the page's text and labels. Text from the
// Record (translate="no") stays as it was written.
function englishFragments(table) {
  const out = new Set();
  for (const [key, value] of Object.entries(en)) {
    if (key === "dir" || table[key] === value) continue;
    for (const part of value.split(/\{\w+\}/)) {
      const p = part.replace(/^[\s:;,.()\-—–«»"]+|[\s:;,.()\-—–«»"]+$/g, "");
      const letters = (p.match(/[A-Za-z]/g) || []).length;
      if (letters >= 4 && (/\s/.test(p) || letters >= 5)) out.add(p);
    }
  }
  return [...out];
}
async function untranslated(fragments) {
  return page.evaluate((list) => {
    const patterns = list.map((f) => [f, new RegExp("(^|[^A-Za-z])" + f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "($|[^A-Za-z])")]);
    const texts = [document.title];
    const keep = (el) => el && !el.closest('[translate="no"], script, style');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (keep(n.parentElement) && n.textContent.trim()) texts.push(n.textContent);
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
      if (!keep(el)) continue;
      for (const a of ["aria-label", "title", "placeholder", "alt"]) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    }
    const found = [];
    for (const text of texts) for (const [f, re] of patterns) if (re.test(text)) found.push(`"${f}" in "${text.slice(0, 80)}"`);
    return [...new Set(found)];
  }, fragments);
}

await test("every page in each of the five languages: no key missing, no English left, right to left for Persian and Arabic", async () => {
  assert(browserToken && proposed, "signed in with the browser's key, a decision proposed");
  await login(browserToken);
  const draft = await page.evaluate(async () => (await (await fetch("/api/v1/drafts?limit=1", { headers: { Authorization: "Bearer " + sessionStorage.getItem("truce.token") } })).json()).items[0]);
  const pages = ["#/awaiting", "#/map", "#/register", "#/register?tab=incidents", "#/incident/" + position, "#/decisions", "#/decision/" + proposed,
    "#/bulletin", "#/regime", "#/exchanges", "#/review", draft ? "#/review/" + draft.id : null, "#/record", "#/file", "#/join", "#/login",
    "#/complain", "#/complaints", complained ? "#/complaint/" + complained : null, "#/requests", "#/cases",
    caseId ? "#/case/" + caseId : null, "#/access"].filter(Boolean);
  const tables = { en, ru, tr, fa, ar };
  const problems = [];
  for (const [lang, table] of Object.entries(tables)) {
    const fragments = lang === "en" ? [] : englishFragments(table);
    for (const hash of pages) {
      await page.goto(`${BASE}/?lang=${lang}${hash}`);
      await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
      // Pages that draw wait for their drawing.
      if (hash === "#/map") await page.waitForSelector('#map[data-loaded="true"]');
      if (hash === "#/bulletin") await page.waitForSelector("#bulletin-chart .uplot");
      if (hash === "#/file") await page.waitForSelector("#report-form");
      const state = await page.evaluate(() => ({
        lang: document.documentElement.lang, dir: document.documentElement.dir,
        direction: getComputedStyle(document.getElementById("main")).direction,
        missing: document.documentElement.dataset.missingKeys || "",
        errors: [...document.querySelectorAll("main .error")].map((e) => e.textContent),
      }));
      const rtl = lang === "fa" || lang === "ar";
      if (state.lang !== lang) problems.push(`${lang} ${hash}: html lang is ${state.lang}`);
      if (state.dir !== (rtl ? "rtl" : "ltr") || state.direction !== (rtl ? "rtl" : "ltr")) problems.push(`${lang} ${hash}: direction ${state.dir}/${state.direction}`);
      if (state.missing) problems.push(`${lang} ${hash}: keys missing: ${state.missing}`);
      if (state.errors.length) problems.push(`${lang} ${hash}: errors: ${state.errors.join("; ")}`);
      for (const leak of await untranslated(fragments)) problems.push(`${lang} ${hash}: English ${leak}`);
      if (hash === "#/decisions") await shot("decisions-" + lang);
    }
  }
  assert(problems.length === 0, problems.join("\n  "));
  for (const [lang, hash, name] of [["ar", "#/register", "register-ar"], ["fa", "#/bulletin", "bulletin-fa"], ["ru", "#/decision/" + proposed, "decision-ru"], ["tr", "#/awaiting", "awaiting-tr"]]) {
    await page.goto(`${BASE}/?lang=${lang}${hash}`);
    await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
    await shot(name);
  }
  // The node writes the bulletin itself in the page's language.
  await page.goto(`${BASE}/?lang=ru#/bulletin`);
  await page.waitForFunction(() => /бюллетень за/.test((document.getElementById("bulletin-text") || {}).textContent || ""), null, { timeout: 20000 });
});

await test("the language switcher remembers the choice and puts it in the address", async () => {
  await page.goto(BASE + "/?lang=en#/register");
  await page.waitForSelector('main[data-ready="true"]');
  await Promise.all([page.waitForNavigation(), page.selectOption("#lang-select", "tr")]);
  await page.waitForSelector('main[data-ready="true"]');
  assert(await page.getAttribute("html", "lang") === "tr", "switched to Turkish");
  assert(new URL(page.url()).searchParams.get("lang") === "tr", "the address says so: " + page.url());
  assert(page.url().endsWith("#/register"), "on the same page: " + page.url());
  // A later visit without ?lang keeps the choice.
  await page.goto(BASE + "/?again=1#/map");
  await page.waitForSelector('main[data-ready="true"]');
  assert(await page.getAttribute("html", "lang") === "tr", "remembered");
  assert((await page.textContent("#nav")).includes("Harita"), "the menu in Turkish");
  await page.goto(BASE + "/?lang=en#/map");
  await page.waitForSelector('main[data-ready="true"]');
  assert(await page.getAttribute("html", "lang") === "en", "back to English");
  await logout();
});

// axe-core (WCAG 2.1 A and AA rules) on every page, as a guarantor member
// and in a right-to-left language too. The page's own policy forbids the
// injected script, so this context alone bypasses it.
await test("axe-core finds no WCAG 2.1 A/AA violation on any page", async () => {
  assert(browserToken && proposed, "signed in with the browser's key, a decision proposed");
  const axeContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await guard(axeContext);
  await axeContext.addInitScript((token) => sessionStorage.setItem("truce.token", token), browserToken);
  const axePage = await axeContext.newPage();
  const axeSource = fs.readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  const found = [];
  for (const lang of ["en", "ar"]) {
    for (const hash of ["#/awaiting", "#/map", "#/register", "#/register?tab=incidents", "#/incident/" + position, "#/decisions",
      "#/decision/" + proposed, "#/bulletin", "#/regime", "#/exchanges", "#/review", "#/record", "#/file", "#/join", "#/login",
      "#/complain", "#/complaints", "#/complaint/" + complained, "#/requests", "#/cases", "#/case/" + caseId, "#/access"]) {
      await axePage.goto(`${BASE}/?lang=${lang}${hash}`);
      await axePage.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
      if (hash === "#/map") await axePage.waitForSelector('#map[data-loaded="true"]');
      if (hash === "#/bulletin") await axePage.waitForSelector("#bulletin-chart .uplot");
      await axePage.evaluate(axeSource);
      const violations = await axePage.evaluate(async () => (await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      })).violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`));
      for (const v of violations) found.push(`${lang} ${hash}: ${v}`);
    }
  }
  await axeContext.close();
  assert(found.length === 0, found.join("\n  "));
});

await test("a mirror's Record page says whose copy it is and how far behind", async () => {
  const mirror = process.env.TRUCE_MIRROR_URL;
  assert(mirror, "TRUCE_MIRROR_URL is set");
  await page.goto(mirror + "/#/record");
  await page.waitForSelector("#mirror-status", { timeout: 20000 });
  const text = await page.textContent("#mirror-status");
  assert(text.includes(BASE), "names the node it follows: " + text);
  assert(/holds everything|behind/.test(text), "says how far behind: " + text);
  assert(!(await page.locator("#mirror-stopped").count()), "has not stopped");
  await shot("record-mirror");
});

await test("no request left loopback", async () => {
  assert(outside.length === 0, outside.join(", "));
});

await browser.close();
if (consoleErrors.length) console.log("browser console errors:\n  " + consoleErrors.join("\n  "));
const failed = results.filter((r) => r[1] !== "ok");
console.log(`${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${shots}`);
process.exit(failed.length ? 1 : 0);
