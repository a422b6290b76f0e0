// Appends N generated reports through the API (signed here with a demo
// member's key), so that the map can be timed with many incidents.
// Usage: node generate.mjs N   (TRUCE_URL, TRUCE_DATA, TRUCE_GUARANTOR_CLI_TOKEN set)
import crypto from "node:crypto";
import fs from "node:fs";

const base = process.env.TRUCE_URL;
const n = Number(process.argv[2] || 1000);
const keyFile = JSON.parse(fs.readFileSync(process.env.TRUCE_DATA + "/demo-keys/ru-monitor-2.key", "utf8"));
const key = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(keyFile.secret, "hex")]),
  format: "der", type: "pkcs8",
});
const auth = { Authorization: "Bearer " + process.env.TRUCE_GUARANTOR_CLI_TOKEN };
const members = await (await fetch(base + "/api/v1/members", { headers: auth })).json();
let seq = members.find((m) => m.key_id === keyFile.key_id).next_seq;
const TOWNS = [[33.51, 36.29], [36.2, 37.16], [35.93, 36.63], [34.73, 36.72], [35.13, 36.75], [32.62, 36.1],
  [35.33, 40.14], [35.95, 39.01], [35.56, 35.98], [36.5, 40.75], [34.86, 36.08], [32.71, 36.57]];
const TYPES = ["shelling", "air_strike", "ground_assault", "small_arms", "ied"];
let lastMs = 0;
function statementText(i) {
  const [lat0, lon0] = TOWNS[Math.abs(i) % TOWNS.length];
  const lat = Math.round((lat0 + (Math.random() - 0.5) * 0.12) * 1e5) / 1e5 + 0.000001;
  const lon = Math.round((lon0 + (Math.random() - 0.5) * 0.12) * 1e5) / 1e5 + 0.000001;
  const day = new Date(Date.now() - (1 + Math.floor(Math.random() * 26)) * 86400000 + 3 * 3600000).toISOString().slice(0, 10);
  const hh = String(Math.floor(Math.random() * 24)).padStart(2, "0");
  const mm = String(Math.floor(Math.random() * 60)).padStart(2, "0");
  let ms = Date.now(); if (ms <= lastMs) ms = lastMs + 1; lastMs = ms;
  const time = new Date(ms).toISOString();
  const s = { v: 1, author: keyFile.key_id, seq: seq++, time, body: { report_filed: { report: {
    occurred: `${day}T${hh}:${mm}:00`, time_precision: "minute",
    location: { lat, lon, precision: "near", place: "generated " + i },
    type: TYPES[Math.abs(i) % TYPES.length], clause: null,
    perpetrator: { unknown: "unknown" }, target: { unknown: "civilian area" }, casualties: [],
    sources: [{ kind: "monitor", description: "generated" }], evidence: [], narrative: "generated report " + i,
    observation: null } } } };
  return JSON.stringify(s);
}
async function post(path, body) {
  const r = await fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
  const j = await r.json();
  if (!r.ok) throw new Error(path + " " + r.status + " " + JSON.stringify(j));
  return j;
}
// The local encoding must be the node's canonical one: check once.
let useServer = false;
{
  const text = statementText(-1); seq--;
  const canonical = await post("/api/v1/statements/canonical", text);
  if (canonical.statement !== Buffer.from(text).toString("base64")) { useServer = true; console.log("local encoding differs; using the canonical endpoint"); }
}
const context = Buffer.from("truce/statement/v1\n");
const started = Date.now();
let next = 0, done = 0;
async function worker() {
  while (next < n) {
    const i = next++;
    const text = statementText(i);
    const submit = async (bytes) => {
      const signature = crypto.sign(null, Buffer.concat([context, bytes]), key).toString("hex");
      await post("/api/v1/statements", JSON.stringify({ statement: bytes.toString("base64"), signature }));
    };
    const fromServer = async () => Buffer.from((await post("/api/v1/statements/canonical", text)).statement, "base64");
    try {
    if (useServer) await submit(await fromServer());
    else {
      // JSON.stringify and the node agree on almost every value; where a
      // number or time prints differently, take the node's encoding.
      try { await submit(Buffer.from(text)); } catch (e) {
        if (!String(e.message).includes("canonical")) throw e;
        await submit(await fromServer());
      }
    }
    } catch (e) {
      // A point that fell outside the governorates: not appended, so its
      // sequence number is free again.
      if (!String(e.message).includes("outside")) throw e;
      seq--; next--; continue;
    }
    if (++done % 10000 === 0) console.log(`  ${done} appended (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
  }
}
// One author's statements must arrive in sequence order: one worker.
await worker();
console.log(`appended ${n} reports in ${((Date.now() - started) / 1000).toFixed(1)} s`);
