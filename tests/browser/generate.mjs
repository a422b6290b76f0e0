// Appends N generated reports through the API, so that the map can be
// timed with many incidents. Each guarantor member of the demo signs its
// share here with its demo key, one worker per member (a member's
// statements must arrive in sequence order; members' streams run side by
// side, and the node commits them together).
//
// Every report stays an incident of its own: the two Russian members are
// one party (reports of one party are never grouped), and the other
// parties report only kinds of violation that no other party reports.
// Usage: node generate.mjs N   (TRUCE_URL, TRUCE_DATA, TRUCE_GUARANTOR_CLI_TOKEN set)
import crypto from "node:crypto";
import fs from "node:fs";

const base = process.env.TRUCE_URL;
const n = Number(process.argv[2] || 1000);
const auth = { Authorization: "Bearer " + process.env.TRUCE_GUARANTOR_CLI_TOKEN };
const members = await (await fetch(base + "/api/v1/members", { headers: auth })).json();
const MEMBERS = [
  ["ru-monitor-1", ["shelling", "air_strike", "ground_assault", "small_arms", "ied"]],
  ["ru-monitor-2", ["shelling", "air_strike", "ground_assault", "small_arms", "ied"]],
  ["tr-monitor-1", ["forces_movement", "obstruction"]],
  ["ir-monitor-1", ["detention_abduction"]],
];
const TOWNS = [[33.51, 36.29], [36.2, 37.16], [35.93, 36.63], [34.73, 36.72], [35.13, 36.75], [32.62, 36.1],
  [35.33, 40.14], [35.95, 39.01], [35.56, 35.98], [36.5, 40.75], [34.86, 36.08], [32.71, 36.57]];
const context = Buffer.from("truce/statement/v1\n");

function author(name, types) {
  const keyFile = JSON.parse(fs.readFileSync(`${process.env.TRUCE_DATA}/demo-keys/${name}.key`, "utf8"));
  const key = crypto.createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(keyFile.secret, "hex")]),
    format: "der", type: "pkcs8",
  });
  const member = members.find((m) => m.key_id === keyFile.key_id);
  if (!member) throw new Error(name + " is not admitted");
  return { name, types, key, keyId: keyFile.key_id, seq: member.next_seq, lastMs: 0, useServer: false };
}

function statementText(a, i) {
  const [lat0, lon0] = TOWNS[Math.abs(i) % TOWNS.length];
  const lat = Math.round((lat0 + (Math.random() - 0.5) * 0.12) * 1e5) / 1e5 + 0.000001;
  const lon = Math.round((lon0 + (Math.random() - 0.5) * 0.12) * 1e5) / 1e5 + 0.000001;
  const day = new Date(Date.now() - (1 + Math.floor(Math.random() * 26)) * 86400000 + 3 * 3600000).toISOString().slice(0, 10);
  const hh = String(Math.floor(Math.random() * 24)).padStart(2, "0");
  const mm = String(Math.floor(Math.random() * 60)).padStart(2, "0");
  let ms = Date.now(); if (ms <= a.lastMs) ms = a.lastMs + 1; a.lastMs = ms;
  const time = new Date(ms).toISOString();
  const s = { v: 1, author: a.keyId, seq: a.seq++, time, body: { report_filed: { report: {
    occurred: `${day}T${hh}:${mm}:00`, time_precision: "minute",
    location: { lat, lon, precision: "near", place: "generated " + i },
    type: a.types[Math.abs(i) % a.types.length], clause: null,
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
async function submit(a, bytes) {
  const signature = crypto.sign(null, Buffer.concat([context, bytes]), a.key).toString("hex");
  await post("/api/v1/statements", JSON.stringify({ statement: bytes.toString("base64"), signature }));
}
const fromServer = async (text) => Buffer.from((await post("/api/v1/statements/canonical", text)).statement, "base64");

const started = Date.now();
let next = 0, done = 0;
async function worker(a) {
  // The local encoding must be the node's canonical one: check once.
  {
    const text = statementText(a, -1); a.seq--;
    const canonical = await post("/api/v1/statements/canonical", text);
    if (canonical.statement !== Buffer.from(text).toString("base64")) { a.useServer = true; console.log(a.name + ": local encoding differs; using the canonical endpoint"); }
  }
  while (next < n) {
    const i = next++;
    let appended = false;
    for (let attempt = 0; !appended; attempt++) {
      const text = statementText(a, i + attempt);
      try {
        if (a.useServer) await submit(a, await fromServer(text));
        else {
          // JSON.stringify and the node agree on almost every value; where a
          // number or time prints differently, take the node's encoding.
          try { await submit(a, Buffer.from(text)); } catch (e) {
            if (!String(e.message).includes("canonical")) throw e;
            await submit(a, await fromServer(text));
          }
        }
        appended = true;
      } catch (e) {
        // A point that fell outside the governorates: not appended, so its
        // sequence number is free again; try another town.
        if (!String(e.message).includes("outside") || attempt > 20) throw e;
        a.seq--;
      }
    }
    if (++done % 10000 === 0) console.log(`  ${done} appended (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
  }
}
await Promise.all(MEMBERS.map(([name, types]) => worker(author(name, types))));
console.log(`appended ${n} reports in ${((Date.now() - started) / 1000).toFixed(1)} s`);
