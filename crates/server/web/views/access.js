// What the monitors could and could not see (#/access): each governorate
// observed or not on a day, for everyone; for members, the monitoring
// assets with their status and the restrictions of the monitors' access
// (denials, restrictions, threats, jamming) by kind. Recording them is a
// signed statement from the command line (`truce access report`,
// `truce coverage …`).
import { t, label, when } from "../i18n.js";
import { h, data, setView } from "../dom.js";
import { api, session } from "../api.js";
import { govName, vocabulary } from "../shared.js";

function table(id, columns, rows) {
  return h("table", { id },
    h("thead", null, h("tr", null, ...columns.map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, ...rows));
}

function governorateRow(g) {
  const state = g.no_violation_observed ? "no_violation" : g.state;
  return h("tr", { "data-governorate": g.code, "data-state": g.state },
    h("td", null, govName(g.code, g.name)),
    h("td", null, h("span", { class: "tag observation-" + g.state }, label("coverage_state", state))),
    h("td", null, String(g.reports)));
}

function assetRow(a) {
  const covers = a.governorates.map((code) => govName(code, code)).join(", ");
  return h("tr", { "data-asset": a.id, "data-status": a.status || "" },
    h("td", null, data("span", null, a.id), " ", data("span", null, a.name)),
    h("td", null, label("asset_kind", a.kind)),
    h("td", null, a.status ? label("asset_status", a.status) : "—"),
    h("td", null, data("span", null, a.party)),
    h("td", null, covers));
}

function accessRow(r) {
  return h("tr", { "data-access": r.position, "data-kind": r.kind },
    h("td", null, r.id),
    h("td", null, label("access_kind", r.kind)),
    h("td", null, data("span", null, r.by)),
    h("td", null, govName(r.governorate, r.governorate_name),
      r.lat !== null && r.lat !== undefined ? " (" + r.lat + ", " + r.lon + ")" : ""),
    h("td", null, when(r.from), " – ", when(r.until)),
    h("td", null, data("span", null, r.prevented)));
}

export async function show(_name, _arg, params) {
  const requested = params.get("day") || "";
  const kind = params.get("kind") || "";
  const coverage = await api("/api/v1/coverage" + (/^\d{4}-\d{2}-\d{2}$/.test(requested) ? "?day=" + requested : ""));
  const day = h("input", { type: "date", id: "coverage-day", value: coverage.day });
  const form = h("form", { class: "filters", id: "coverage-filters" },
    h("label", { for: "coverage-day" }, t("coverage_day"), day),
    h("button", { type: "submit" }, t("apply")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = "#/access?day=" + day.value + (kind ? "&kind=" + kind : "");
  });
  const parts = [h("p", null, t("access_help")), form,
    h("h2", null, t("coverage_title", { day: coverage.day })),
    coverage.tracked
      ? table("coverage-governorates", ["col_governorate", "coverage_col_state", "coverage_col_reports"], coverage.governorates.map(governorateRow))
      : h("p", { id: "coverage-untracked" }, t("coverage_untracked"))];
  if (session.access === "public") {
    parts.push(h("p", { class: "notice" }, t("access_need_token")));
    setView(t("access_title"), ...parts);
    return;
  }
  parts.push(h("h2", null, t("assets_title")),
    coverage.assets.length
      ? table("assets", ["col_asset", "col_asset_kind", "col_status", "col_asset_party", "col_covers"], coverage.assets.map(assetRow))
      : h("p", { id: "assets-none" }, t("none")));
  const vocab = await vocabulary();
  const kinds = vocab.access_kinds || [];
  const list = await api("/api/v1/access" + (kinds.includes(kind) ? "?kind=" + kind : ""));
  const base = "#/access?day=" + coverage.day;
  const filters = h("p", { class: "filters" },
    h("a", { href: base, "aria-current": kind ? null : "page" }, t("requests_all")),
    ...kinds.map((k) => [" · ", h("a", { href: base + "&kind=" + k, "aria-current": kind === k ? "page" : null }, label("access_kind", k))]));
  parts.push(h("h2", null, t("access_list_title")), filters,
    list.length
      ? table("access-list", ["col_access", "col_access_kind", "col_access_by", "col_place", "col_when", "col_prevented"], list.map(accessRow))
      : h("p", { id: "access-none" }, t("none")));
  setView(t("access_title"), ...parts);
}
