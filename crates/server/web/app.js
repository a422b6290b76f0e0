// The truce web interface: native ES modules over the node's JSON API, no
// build step. Views are chosen by the URL fragment (#/map, #/register,
// #/incident/12, #/decisions, #/bulletin, #/record, #/login, #/file, #/join…).
// Nothing is loaded from outside this node. Signing happens here, with a
// non-extractable WebCrypto Ed25519 key kept in IndexedDB; the server only
// formats and verifies.
import { t, lang, LANGUAGES, num } from "./i18n.js";
import { h, td, main, errorBox, markPageChange } from "./dom.js";
import { session, loadSession } from "./api.js";
import { governorateNames } from "./shared.js";
import { awaitingCounts } from "./views/awaiting.js";
import { startLive } from "./live.js";

const VIEWS = {
  map: () => import("./views/map.js"),
  register: () => import("./views/register.js"),
  incident: () => import("./views/incident.js"),
  decisions: () => import("./views/decisions.js"),
  decision: () => import("./views/decisions.js"),
  awaiting: () => import("./views/awaiting.js"),
  bulletin: () => import("./views/bulletin.js"),
  regime: () => import("./views/regime.js"),
  exchanges: () => import("./views/exchanges.js"),
  review: () => import("./views/review.js"),
  record: () => import("./views/record.js"),
  login: () => import("./views/login.js"),
  file: () => import("./views/file.js"),
  join: () => import("./views/join.js"),
  complain: () => import("./views/complaints.js"),
  complaint: () => import("./views/complaints.js"),
  complaints: () => import("./views/complaints.js"),
  requests: () => import("./views/requests.js"),
  cases: () => import("./views/cases.js"),
  case: () => import("./views/cases.js"),
  access: () => import("./views/access.js"),
};
const MEMBER_ROUTES = ["awaiting", "complaints", "requests", "cases"];
const ROUTES = [
  ["awaiting", "nav_awaiting"], ["map", "nav_map"], ["register", "nav_register"], ["decisions", "nav_decisions"], ["requests", "nav_requests"], ["cases", "nav_cases"],
  ["access", "nav_access"],
  ["bulletin", "nav_bulletin"], ["regime", "nav_regime"], ["exchanges", "nav_exchanges"], ["review", "nav_review"],
  ["record", "nav_record"], ["complaints", "nav_complaints"], ["file", "nav_file"], ["complain", "nav_complain"],
  ["join", "nav_join"], ["login", "nav_login"],
];

function languageSwitcher() {
  const select = h("select", { id: "lang-select" },
    ...LANGUAGES.map(([code, name]) => h("option", { value: code, lang: code, selected: code === lang }, name)));
  select.addEventListener("change", () => {
    // Kept in the address too, so that the page as shown can be linked.
    const url = new URL(location.href);
    url.searchParams.set("lang", select.value);
    location.assign(url.toString());
  });
  return h("label", { for: "lang-select", class: "lang" }, t("language"), select);
}

let counts = null;
function renderChrome(current) {
  const skip = document.getElementById("skip-link");
  skip.textContent = t("skip");
  document.getElementById("brand").textContent = t("app_name");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav_label"));
  const routes = ROUTES.filter(([route]) => !MEMBER_ROUTES.includes(route) || session.member);
  nav.replaceChildren(...routes.map(([route, key]) => {
    const text = route === "login" && session.member ? t("nav_logout") : t(key);
    const link = h("a", { href: "#/" + route, "aria-current": current === route ? "page" : null }, text);
    if (route === "awaiting" && counts) {
      link.append(" ", h("span", { class: "badge", id: "awaiting-count", "data-count": counts.total, "aria-label": t("awaiting_count", { n: counts.total }) }, num(counts.total)));
    }
    return link;
  }));
  document.getElementById("session").replaceChildren(
    h("span", null, session.member
      ? td("session_as", { member: session.member, access: t("access_" + session.access) })
      : t("session_public")),
    languageSwitcher());
}

// The skip link moves the focus to the content; it is not a page.
document.getElementById("skip-link").addEventListener("click", (e) => {
  e.preventDefault();
  const target = document.getElementById("view-title") || main;
  target.focus();
});

async function route() {
  const raw = location.hash.startsWith("#/") ? location.hash.slice(2) : "";
  const [path, query] = raw.split("?");
  const params = new URLSearchParams(query || "");
  let [name, arg] = path.split("/");
  if (!name) name = session.member ? "awaiting" : "map";
  if (!VIEWS[name]) name = "map";
  const current = name === "incident" ? "register" : name === "decision" ? "decisions" : name === "complaint" ? "complain" : name;
  renderChrome(current);
  try {
    const view = await VIEWS[name]();
    if (name !== "map" && window.truceLeaveMap) window.truceLeaveMap();
    await view.show(name, arg, params);
  } catch (e) { main.append(errorBox(e)); }
  main.dataset.view = name;
}

// One view at a time: a page change while a view is still loading waits
// for it, then shows the latest address only, so that a slow view never
// draws over a newer one.
let running = null;
let again = false;
async function showLatest() {
  if (running) { again = true; return running; }
  running = (async () => {
    do {
      again = false;
      main.dataset.ready = "false";
      await route();
    } while (again);
    main.dataset.ready = "true";
  })();
  try { await running; } finally { running = null; }
}

async function refreshCounts() {
  counts = session.member && session.access !== "public" ? await awaitingCounts().catch(() => null) : null;
}
window.addEventListener("hashchange", () => {
  // In-page links that are not views (#main and the like) leave the page as it is.
  if (location.hash && !location.hash.startsWith("#/")) return;
  main.dataset.ready = "false";
  markPageChange();
  showLatest();
});
// After logging in or out, or signing something that changes what awaits
// the party: the menu and its counts again.
function currentRoute() {
  const link = document.querySelector("#nav [aria-current]");
  return link ? link.getAttribute("href").slice(2) : null;
}
async function refreshChrome() { await refreshCounts(); renderChrome(currentRoute()); }
window.addEventListener("truce:session", () => { startLive(); refreshChrome(); });
window.addEventListener("truce:counts", refreshChrome);

await loadSession();
await Promise.all([governorateNames().catch(() => null), refreshCounts()]);
await showLatest();
startLive();
