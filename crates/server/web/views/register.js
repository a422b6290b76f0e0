// The register: reports and incidents, filtered, sorted and paged by the
// server over the whole register (newest first unless asked otherwise),
// with every choice kept in the URL so that a page can be linked.
import { t, label, date, placeName } from "../i18n.js";
import { h, data, setView, errorBox } from "../dom.js";
import { api } from "../api.js";
import { admin1, latestDay, daysBefore, vocabulary, findingCode, FINDINGS, govName } from "../shared.js";

export function findingCell(value) {
  const code = findingCode(value);
  return h("td", { class: "finding " + ((FINDINGS[code] || {}).cls || "") },
    code ? h("span", { class: "mark", "aria-hidden": "true" }) : null, code ? label("finding", code) : "—");
}
export async function governorateSelect(id, value) {
  const geo = await admin1();
  const select = h("select", { id }, h("option", { value: "" }, t("any")));
  for (const f of geo.features) {
    select.append(h("option", { value: f.properties.code, selected: f.properties.code === value }, placeName(f.properties)));
  }
  return select;
}

const PAGE = 50;
export async function show(_name, _arg, params) {
  const tab = params.get("tab") === "incidents" ? "incidents" : "reports";
  const [latest, vocab] = await Promise.all([latestDay(), vocabulary()]);
  const from = h("input", { type: "date", id: "reg-from", value: params.get("from") || daysBefore(latest, 27) });
  const to = h("input", { type: "date", id: "reg-to", value: params.get("to") || latest });
  const gov = await governorateSelect("reg-governorate", params.get("governorate") || "");
  const type = h("select", { id: "reg-type" }, h("option", { value: "" }, t("any")),
    ...vocab.violation_types.map((ty) => h("option", { value: ty, selected: params.get("type") === ty }, label("type", ty))));
  const sortKey = "date";
  const sort = params.get("sort") === sortKey ? sortKey : "-" + sortKey;
  const offset = Math.max(0, Number(params.get("offset") || 0) || 0);
  const form = h("form", { class: "filters", id: "register-filters" },
    h("label", { for: "reg-from" }, t("from"), from), h("label", { for: "reg-to" }, t("to"), to),
    h("label", { for: "reg-governorate" }, t("filter_governorate"), gov),
    h("label", { for: "reg-type" }, t("filter_type"), type),
    h("button", { type: "submit" }, t("apply")));
  function go(extra) {
    const q = new URLSearchParams({ tab, from: from.value, to: to.value, sort });
    if (gov.value) q.set("governorate", gov.value);
    if (type.value) q.set("type", type.value);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    location.hash = "#/register?" + q;
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); go({ offset: 0 }); });
  const tabs = h("div", { class: "row", role: "navigation", "aria-label": t("register_title") },
    h("a", { href: "#/register?tab=reports", "aria-current": tab === "reports" ? "page" : null }, t("reports")),
    h("a", { href: "#/register?tab=incidents", "aria-current": tab === "incidents" ? "page" : null }, t("incidents")));
  const results = h("div", { id: "register-results" }, t("loading"));
  setView(t("register_title"), tabs, form, results);
  const q = new URLSearchParams({ from: from.value, to: to.value, limit: String(PAGE), offset: String(offset), sort });
  if (gov.value) q.set("governorate", gov.value);
  if (type.value) q.set("type", type.value);
  let page;
  try {
    page = await api((tab === "reports" ? "/api/v1/reports?" : "/api/v1/incidents?") + q);
  } catch (e) {
    results.replaceChildren(e.status === 401 ? h("p", { class: "notice" }, t("incidents_need_token")) : errorBox(e));
    return;
  }
  // The date column sorts the whole register on the server; a click turns
  // the order round and starts again at the first page.
  const ascending = !sort.startsWith("-");
  const dateHeader = h("th", { scope: "col", "aria-sort": ascending ? "ascending" : "descending" },
    h("button", { type: "button", id: "sort-date", onclick: () => go({ sort: ascending ? "-" + sortKey : sortKey, offset: 0 }) },
      t("col_date"), " ", h("span", { "aria-hidden": "true" }, ascending ? "▲" : "▼"),
      h("span", { class: "visually-hidden" }, " — " + t(ascending ? "sorted_oldest" : "sorted_newest"))));
  const th = (key, cls) => h("th", { scope: "col", class: cls || null }, t(key));
  let table;
  if (tab === "reports") {
    table = h("table", { id: "register-table" },
      h("thead", null, h("tr", null, th("col_report"), dateHeader, th("col_finding"), th("col_governorate", "wide"), th("col_type"),
        th("col_place", "wide"), th("col_party", "wide"))),
      h("tbody", null, ...page.items.map((r) => h("tr", { "data-report": r.id, "data-occurred": r.fields.occurred },
        h("td", null, h("a", { href: "#/incident/" + (r.incident || r.id) }, r.name)),
        h("td", null, date(r.fields.occurred)), findingCell(r.finding),
        h("td", { class: "wide" }, govName(r.governorate, r.governorate_name)),
        h("td", null, label("type", r.fields.type)), data("td", { class: "wide" }, r.fields.location.place || ""),
        data("td", { class: "wide" }, r.party || "—")))));
  } else {
    table = h("table", { id: "register-table" },
      h("thead", null, h("tr", null, th("col_incident"), dateHeader, th("col_finding"), th("col_governorate", "wide"), th("col_type"), th("col_reports", "wide"))),
      h("tbody", null, ...page.items.map((f) => h("tr", { "data-incident": f.incident, "data-occurred": f.date },
        h("td", null, h("a", { href: "#/incident/" + f.incident }, "I-" + f.incident)), h("td", null, date(f.date)),
        findingCell(f.finding), h("td", { class: "wide" }, govName(f.governorate, f.governorate_name)),
        h("td", null, label("type", f.type)), data("td", { class: "wide" }, f.reports.map((r) => "R-" + r).join(", "))))));
  }
  const pager = h("nav", { class: "row pager", "aria-label": t("pages") },
    h("span", { id: "page-of" }, t("page_of", { from: page.total ? page.offset + 1 : 0, to: page.offset + page.items.length, total: page.total })),
    page.offset > 0 ? h("button", { type: "button", class: "secondary", id: "prev-page", onclick: () => go({ offset: Math.max(0, page.offset - page.limit) }) }, t("prev_page")) : null,
    page.next_offset !== null ? h("button", { type: "button", class: "secondary", id: "next-page", onclick: () => go({ offset: page.next_offset }) }, t("next_page")) : null);
  results.replaceChildren(page.items.length ? h("div", { class: "table-wrap" }, table) : h("p", null, t("none")), pager);
  results.dataset.total = String(page.total);
}
