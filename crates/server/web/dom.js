// Building the page: elements, the view's heading, announcements, errors,
// and the two vendored libraries, loaded only by the pages that draw with
// them.
import { t, num } from "./i18n.js";

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// Text that comes from the Record (narratives, names, reasons) is marked
// translate="no": it stays in the language it was written in, and the
// tests that look for untranslated interface text pass over it.
export function data(tag, attrs, ...children) {
  return h(tag, Object.assign({ translate: "no" }, attrs || {}), ...children);
}

// A translated text whose variables are text from the Record (a member's
// name, a party): the variables are marked translate="no", numbers go
// through Intl as in t().
export function td(key, vars) {
  const marker = "\u0000";
  const names = Object.keys(vars || {});
  const placeholders = Object.fromEntries(names.map((n, i) => [n, marker + i + marker]));
  const parts = t(key, placeholders).split(marker);
  return parts.map((part, i) => {
    if (i % 2 === 0) return part;
    const value = vars[names[Number(part)]];
    return typeof value === "number" ? num(value) : data("span", null, String(value));
  });
}

export const main = document.getElementById("main");

export function announce(text) {
  const status = document.getElementById("status");
  // Cleared first so that the same words twice are read twice.
  status.textContent = "";
  setTimeout(() => { status.textContent = text; }, 20);
}

// Replaces the view. After a page change the heading takes the focus, so
// that a keyboard or screen reader user starts at the new page, and the
// title is announced.
let pageChanged = false;
export function markPageChange() { pageChanged = true; }
export function setView(title, ...children) {
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, title), ...children);
  document.title = title + " — " + t("app_name");
  if (pageChanged) {
    pageChanged = false;
    document.getElementById("view-title").focus({ preventScroll: true });
    announce(title);
  }
}

export function errorText(e) {
  if (e && e.body && e.body.error) {
    return e.body.field ? t("field_error", { field: e.body.field, message: e.body.error }) : e.body.error;
  }
  return String(e && e.message ? e.message : e);
}
export function errorBox(e) { return h("p", { class: "error", role: "alert" }, t("error", { message: errorText(e) })); }

// Files from the Record are saved, never opened in this page's origin
// (an HTML or SVG file there could read the session's token): the bytes
// go out as an opaque download, whatever type the file claims.
export function saveDownload(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  const save = h("a", { href: url, download: name || "document" });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// Leaflet and uPlot are classic scripts (they set window.L, window.uPlot):
// added once, on the first page that needs them.
const loading = new Map();
function once(key, make) {
  if (!loading.has(key)) loading.set(key, make());
  return loading.get(key);
}
function script(src) {
  return once(src, () => new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.onload = resolve;
    el.onerror = () => reject(new Error("could not load " + src));
    document.head.append(el);
  }));
}
function stylesheet(href) {
  return once(href, () => new Promise((resolve) => {
    const el = document.createElement("link");
    el.rel = "stylesheet";
    el.href = href;
    el.onload = resolve;
    el.onerror = resolve;
    document.head.append(el);
  }));
}
const base = new URL(".", import.meta.url).pathname;
export async function leaflet() {
  await Promise.all([stylesheet(base + "vendor/leaflet/leaflet.css"), script(base + "vendor/leaflet/leaflet.js")]);
  return window.L;
}
export async function uplot() {
  await Promise.all([stylesheet(base + "vendor/uplot/uPlot.min.css"), script(base + "vendor/uplot/uPlot.iife.min.js")]);
  return window.uPlot;
}
