// What awaits the signed-in member's party: incidents it has not taken a
// position on, open decisions it has not voted on, and measures whose
// comply-by day has come without its word on compliance, or that the
// ladder now calls for. The landing page for members, and counts in the menu.
import { t, label, date, num } from "../i18n.js";
import { h, data, setView } from "../dom.js";
import { api, session } from "../api.js";
import { latestDay, daysBefore, findingCode, govName } from "../shared.js";
import { findingCell } from "./register.js";
import { requestItem, answerForm } from "./requests.js";
import { admittedKey } from "../keystore.js";

const WINDOW_DAYS = 28;

async function myParty() {
  const members = await api("/api/v1/members");
  const me = members.find((m) => m.member === session.member);
  return me ? me.party : null;
}

export async function awaiting() {
  if (session.access !== "guarantor") return null;
  const party = await myParty();
  if (!party) return null;
  const latest = await latestDay();
  const [incidents, decisions, measures, requests, cases] = await Promise.all([
    api("/api/v1/incidents?" + new URLSearchParams({ from: daysBefore(latest, WINDOW_DAYS - 1), to: latest, limit: "1000", sort: "-date" })),
    api("/api/v1/decisions?status=open&limit=1000"),
    api("/api/v1/measures"),
    api("/api/v1/requests?" + new URLSearchParams({ to: party })),
    api("/api/v1/cases?step=visited"),
  ]);
  const today = new Date().toISOString().slice(0, 10);
  return {
    party, latest,
    incidents: incidents.items.filter((f) => f.positions && !(party in f.positions)),
    decisions: decisions.items.filter((d) => d.votes && !d.votes[party]),
    measures: measures.measures.filter((m) => m.status === "adopted" && m.measure.comply_by <= today
      && !m.compliance.some((c) => c.party === party)),
    due: measures.due,
    requests: requests.filter((r) => !r.answer),
    cases: cases.filter((c) => !c.positions.some((p) => p.party === party)),
  };
}

export async function awaitingCounts() {
  const a = await awaiting();
  if (!a) return null;
  const counts = { incidents: a.incidents.length, decisions: a.decisions.length, measures: a.measures.length + a.due.length,
    requests: a.requests.length, cases: a.cases.length };
  counts.total = counts.incidents + counts.decisions + counts.measures + counts.requests + counts.cases;
  return counts;
}

export async function show() {
  if (!session.member) { setView(t("awaiting_title"), h("p", null, t("awaiting_need_token"))); return; }
  const a = await awaiting();
  if (!a) { setView(t("awaiting_title"), h("p", { id: "awaiting-none" }, t("awaiting_guarantors_only"))); return; }
  const section = (id, title, n, body) => h("section", { id, "aria-labelledby": id + "-title" },
    h("h2", { id: id + "-title" }, title, " ", h("span", { class: "badge", "data-count": n }, num(n))), body);
  const key = a.requests.length ? await admittedKey() : null;
  setView(t("awaiting_title"),
    h("p", null, t("awaiting_for", { days: WINDOW_DAYS }), " ", data("strong", null, a.party)),
    section("awaiting-requests", t("awaiting_requests"), a.requests.length, a.requests.length
      ? h("ul", { class: "cards" }, ...a.requests.map((r) => requestItem(r, key ? answerForm(key, r) : null)))
      : h("p", null, t("none"))),
    section("awaiting-cases", t("awaiting_cases"), a.cases.length, a.cases.length
      ? h("ul", null, ...a.cases.map((c) => h("li", { "data-case": c.position },
        h("a", { href: "#/case/" + c.position }, c.id), c.overdue ? [" ", h("span", { class: "tag overdue" }, t("case_overdue"))] : null,
        " — ", data("span", null, c.question))))
      : h("p", null, t("none"))),
    section("awaiting-decisions", t("awaiting_decisions"), a.decisions.length, a.decisions.length
      ? h("ul", null, ...a.decisions.map((d) => h("li", { "data-decision": d.id },
        h("a", { href: "#/decision/" + d.id }, d.name), " — ", h("span", { class: "tag" }, label("decision_type", d.type)), " ",
        data("span", null, d.title), " (" + t("deadline_on", { date: date(d.deadline.slice(0, 10)) }) + ")")))
      : h("p", null, t("none"))),
    section("awaiting-incidents", t("awaiting_incidents"), a.incidents.length, a.incidents.length
      ? h("div", { class: "table-wrap" }, h("table", null,
        h("thead", null, h("tr", null, ...["col_incident", "col_date", "col_finding", "col_governorate", "col_type"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", null, ...a.incidents.slice(0, 100).map((f) => h("tr", { "data-incident": f.incident },
          h("td", null, h("a", { href: "#/incident/" + f.incident }, "I-" + f.incident)), h("td", null, date(f.date)),
          findingCell(findingCode(f.finding)), h("td", null, govName(f.governorate, f.governorate_name)), h("td", null, label("type", f.type)))))))
      : h("p", null, t("none"))),
    section("awaiting-measures", t("awaiting_measures"), a.measures.length + a.due.length, a.measures.length + a.due.length
      ? h("ul", null,
        ...a.measures.map((m) => h("li", null, h("a", { href: "#/decision/" + String(m.decision).replace(/^D-/, "") }, m.decision), " — ",
          t("measure_overdue", { step: m.measure.step, formation: m.measure.formation, date: date(m.measure.comply_by) }))),
        ...a.due.map((d) => h("li", { class: "due" }, t("regime_due", { step: d.step.id, formation: d.formation }), " — ", data("span", null, d.reason))))
      : h("p", null, t("none"))));
}
