// The interface's languages. Every text the pages show comes from a table
// in lang/ (one per language, the same keys in each); the reader picks one
// with the switcher (remembered in localStorage) or ?lang=xx in the URL.
// Numbers and dates go through Intl in the chosen language.
export const LANGUAGES = [
  ["en", "English"], ["ru", "Русский"], ["tr", "Türkçe"], ["fa", "فارسی"], ["ar", "العربية"],
];
const STORED = "truce.lang";

function choose() {
  const known = (code) => LANGUAGES.some(([c]) => c === code);
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked && known(asked)) {
    try { localStorage.setItem(STORED, asked); } catch (e) { /* private mode: for this page only */ }
    return asked;
  }
  let stored = null;
  try { stored = localStorage.getItem(STORED); } catch (e) { /* no storage */ }
  if (stored && known(stored)) return stored;
  const browser = (navigator.language || "en").slice(0, 2);
  return known(browser) ? browser : "en";
}

export const lang = choose();
const english = (await import("./lang/en.js")).default;
const table = lang === "en" ? english : (await import("./lang/" + lang + ".js")).default;

// Keys asked for that the table lacks: shown in English (or as the key),
// and listed on <html data-missing-keys> for the tests.
const missing = new Set();
function miss(key) {
  if (missing.has(key)) return;
  missing.add(key);
  document.documentElement.dataset.missingKeys = [...missing].join(" ");
}

const numbers = new Intl.NumberFormat(lang);
export function num(n) { return numbers.format(n); }

export function has(key) { return table[key] !== undefined; }
export function t(key, vars) {
  let text = table[key];
  if (text === undefined) { miss(key); text = english[key] !== undefined ? english[key] : key; }
  for (const [k, v] of Object.entries(vars || {})) {
    text = text.split("{" + k + "}").join(typeof v === "number" ? num(v) : String(v));
  }
  return text;
}
export const dir = table.dir || "ltr";

// Dates of the Record are Gregorian days and UTC instants; shown in the
// Gregorian calendar in every language, so that parties quote the same day.
const day = new Intl.DateTimeFormat(lang, { calendar: "gregory", dateStyle: "medium", timeZone: "UTC" });
const dayShort = new Intl.DateTimeFormat(lang, { calendar: "gregory", month: "short", day: "numeric", timeZone: "UTC" });
const instant = new Intl.DateTimeFormat(lang, { calendar: "gregory", dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
// A day (YYYY-MM-DD), or a local time without a zone (YYYY-MM-DDTHH:MM:SS) shown as written.
export function date(text) {
  if (!text) return "—";
  const d = new Date(text.length <= 10 ? text + "T00:00:00Z" : text.replace(/(Z|[+-]\d\d:\d\d)?$/, "Z"));
  if (Number.isNaN(d.getTime())) return text;
  return text.length <= 10 ? day.format(d) : instant.format(d);
}
export function shortDate(text) {
  const d = new Date(text + "T00:00:00Z");
  return Number.isNaN(d.getTime()) ? text : dayShort.format(d);
}
// An instant with its zone (RFC 3339), in UTC.
export function when(text) {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : instant.format(d) + " UTC";
}

document.documentElement.lang = lang;
document.documentElement.dir = dir;

// A label for a code the API sends (violation type, finding, position…):
// the table's "prefix_code" entry; a code the table does not know yet
// shows as itself and is reported missing.
export function label(prefix, code) {
  if (code === null || code === undefined || code === "") return "—";
  return t(prefix + "_" + String(code).replace(/ /g, "_"));
}

// A governorate's name in this language where the gazetteer has one.
export function placeName(properties) {
  return (properties && (properties["name_" + lang] || properties.name)) || "";
}
