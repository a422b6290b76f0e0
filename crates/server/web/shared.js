// Data several pages share: the governorates, the vocabulary of codes the
// API uses, the latest day of the register, findings' marks.
import { api } from "./api.js";
import { placeName, label, t } from "./i18n.js";

let admin1Promise = null;
export function admin1() {
  if (!admin1Promise) admin1Promise = api("/api/v1/gazetteer/admin1.geojson");
  return admin1Promise;
}
// A governorate's name by its code, in the page's language when known.
let names = null;
export async function governorateNames() {
  if (!names) {
    names = new Map();
    for (const f of (await admin1()).features) names.set(f.properties.code, placeName(f.properties));
  }
  return names;
}
export function govName(code, fallback) { return (names && names.get(code)) || fallback || code; }

// The codes the API uses (violation types, findings, decision types and
// statuses…), read from the node rather than copied from its source.
let vocabularyPromise = null;
export function vocabulary() {
  if (!vocabularyPromise) vocabularyPromise = api("/api/v1/vocabulary");
  return vocabularyPromise;
}

// Findings come as labels ("confirmed violation") or objects
// ({finding: "confirmed_violation"}); one code for both.
export function findingCode(value) {
  if (!value) return "";
  const text = typeof value === "string" ? value : String(value.finding || "");
  return text.replace(/ /g, "_");
}
// Told apart by shape and brightness as well as hue: a dark filled
// square, a light ring, a mid-grey triangle (see app.css).
export const FINDINGS = {
  confirmed_violation: { cls: "finding-confirmed", colour: "#a1191f" },
  not_a_violation: { cls: "finding-not", colour: "#5fb87a" },
  unconfirmed: { cls: "finding-unconfirmed", colour: "#8a5a00" },
};
export function findingText(value) { const c = findingCode(value); return c ? label("finding", c) : "—"; }

// A rule as the register words it ("all 3 guarantors", "2 of 3
// guarantors"), in the page's language; any other wording as written.
export function ruleText(rule) {
  const all = /^all (\d+) guarantors$/.exec(rule || "");
  if (all) return t("rule_all", { n: Number(all[1]) });
  const some = /^(\d+) of (\d+) guarantors$/.exec(rule || "");
  if (some) return t("rule_k_of_n", { k: Number(some[1]), n: Number(some[2]) });
  const span = document.createElement("span");
  span.setAttribute("translate", "no");
  span.textContent = rule || "—";
  return span;
}

export function isoDay(d) { return d.toISOString().slice(0, 10); }
export function daysBefore(day, n) {
  const d = new Date(day + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() - n);
  return isoDay(d);
}
let latestPromise = null;
export function latestDay() {
  if (!latestPromise) {
    latestPromise = api("/api/v1/bulletin").then((b) => b.to).catch(() => isoDay(new Date()));
    // The day moves on: asked again on the next page.
    setTimeout(() => { latestPromise = null; }, 60000);
  }
  return latestPromise;
}
// Leaflet's zoom buttons are links titled in English: named in the page's
// language, and pressed with Space as with Enter.
export function localizeZoom(container) {
  for (const button of container.querySelectorAll(".leaflet-control-zoom a")) {
    const text = button.classList.contains("leaflet-control-zoom-in") ? t("zoom_in") : t("zoom_out");
    button.setAttribute("role", "button");
    button.setAttribute("aria-label", text);
    button.title = text;
    button.addEventListener("keydown", (e) => { if (e.key === " ") { e.preventDefault(); button.click(); } });
  }
}
export function boundaryLayer(L, geojson) {
  return L.geoJSON(geojson, {
    style: { color: "#0b2545", weight: 1, fillColor: "#ffffff", fillOpacity: 0.6 },
    interactive: false,
  });
}
