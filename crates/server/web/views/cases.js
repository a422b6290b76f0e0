// Verification cases: the list for members (#/cases), one case with its
// steps, deadlines, each party's position and the finding (#/case/40),
// and the forms a guarantor signs here: open a case from an incident's
// page, task a team, record the visit, state the party's position.
import { t, label, when, num } from "../i18n.js";
import { h, data, setView, errorBox, announce, main } from "../dom.js";
import { api, session } from "../api.js";
import { admittedKey, signBody } from "../keystore.js";

const STEPS = ["opened", "tasked", "visited", "closed"];
export const SEVERITIES = ["not_an_incident", "relevant_incident", "not_a_violation", "minor_violation", "serious_violation"];

function stepTag(c) {
  return h("span", { class: "tag step-" + c.step + (c.overdue ? " overdue" : ""), "data-step": c.step, "data-overdue": String(c.overdue) },
    label("case_step", c.step), c.overdue ? " — " + t("case_overdue") : "");
}

function aboutText(c) {
  return c.about_kind === "incident"
    ? h("a", { href: "#/incident/" + c.about.replace(/^R-/, "") }, t("case_on_incident", { id: c.about }))
    : h("span", null, t("case_on_complaint"), " ", h("code", { translate: "no" }, c.about.slice(0, 12) + "…"));
}

function caseLine(c) {
  const standing = c.finding
    ? [t("case_found"), " ", h("strong", { "data-severity": c.finding.severity }, label("severity", c.finding.severity)),
      c.finding.responsible ? [" — ", data("span", null, c.finding.responsible)] : null]
    : [t("case_awaiting", { step: label("case_step", c.awaiting), time: when(c.due) })];
  return h("li", { "data-case": c.position, "data-step": c.step },
    h("p", null, h("a", { href: "#/case/" + c.position }, h("strong", null, c.id)), " ", stepTag(c), " ", aboutText(c), " — ", ...standing),
    data("p", null, c.question));
}

// A signed step, with its result shown and announced.
function signedForm(id, fields, submitText, check, body, done) {
  const result = h("div", { id: id + "-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: id + "-submit" }, submitText);
  const form = h("form", { id, novalidate: true }, ...fields, submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const problem = check();
    if (problem) { result.replaceChildren(h("p", { class: "error" }, problem)); return; }
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const key = await admittedKey();
      const receipt = await signBody(key, body());
      const text = done(receipt);
      result.replaceChildren(h("p", { class: "ok", "data-position": receipt.position }, text));
      announce(text);
      window.dispatchEvent(new Event("truce:counts"));
    } catch (err) { result.replaceChildren(errorBox(err)); } finally { submit.disabled = false; }
  });
  return form;
}

function field(id, labelKey, input) {
  return h("label", { for: id }, t(labelKey), input);
}

function required(...pairs) {
  for (const [input, key] of pairs) {
    if (!String(input.value).trim()) { input.focus(); return t("field_error", { field: t(key), message: t("required") }); }
  }
  return null;
}

// On an incident's page: the cases on it, and a form to open one.
export async function incidentCases(incidentId) {
  const section = h("section", { id: "cases", "aria-labelledby": "cases-title" }, h("h2", { id: "cases-title" }, t("cases_title")));
  if (!session.member) return section.append(h("p", null, t("cases_need_token"))), section;
  const cases = await api("/api/v1/cases?incident=" + incidentId);
  section.append(cases.length ? h("ul", { class: "cards" }, ...cases.map(caseLine)) : h("p", { id: "cases-none" }, t("none")));
  if (session.access !== "guarantor" || !(await admittedKey()) || cases.some((c) => c.step !== "closed")) return section;
  const question = h("textarea", { id: "case-question", rows: "3" });
  section.append(signedForm("case-open-form", [field("case-question", "case_question", question)], t("case_open"),
    () => required([question, "case_question"]),
    () => ({ case_opened: { about: { incident: Number(incidentId) }, question: question.value.trim() } }),
    (receipt) => t("case_opened_as", { id: "V-" + receipt.position })));
  return section;
}

function stepsTable(c) {
  const row = (step, due, done) => h("tr", { "data-step": step },
    h("th", { scope: "row" }, label("case_step", step)), h("td", null, when(due)),
    h("td", null, done ? when(done) : "—"));
  const closed = c.finding ? c.finding.closed : null;
  return h("table", { id: "case-steps" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("case_col_step")), h("th", { scope: "col" }, t("case_col_due")), h("th", { scope: "col" }, t("case_col_done")))),
    h("tbody", null,
      row("tasked", c.task_by, c.tasks[0] && c.tasks[0].time),
      row("visited", c.visit_by, c.visits[0] && c.visits[0].time),
      row("closed", c.finding_by, closed)));
}

async function caseForms(c) {
  if (session.access !== "guarantor" || c.step === "closed") return [];
  const key = await admittedKey();
  if (!key) return [h("p", { class: "notice warn" }, t("assess_needs_key"))];
  const forms = [];
  const team = h("input", { id: "case-team", type: "text" });
  const instructions = h("textarea", { id: "case-instructions", rows: "2" });
  forms.push(h("h2", null, t("case_task_title")), signedForm("case-task-form",
    [field("case-team", "case_team", team), field("case-instructions", "case_instructions", instructions)], t("case_task"),
    () => required([team, "case_team"], [instructions, "case_instructions"]),
    () => ({ case_tasked: { case: c.position, team: team.value.trim(), instructions: instructions.value.trim() } }),
    (r) => t("case_signed_at", { position: String(r.position) })));
  if (c.tasks.length) {
    const place = h("input", { id: "visit-place", type: "text" });
    const lat = h("input", { id: "visit-lat", type: "number", step: "any", inputmode: "decimal" });
    const lon = h("input", { id: "visit-lon", type: "number", step: "any", inputmode: "decimal" });
    const who = h("input", { id: "visit-who", type: "text", "aria-describedby": "visit-who-hint" });
    const interviews = h("input", { id: "visit-interviews", type: "number", min: "0", value: "0", inputmode: "numeric" });
    const summary = h("textarea", { id: "visit-summary", rows: "3" });
    forms.push(h("h2", null, t("case_visit_title")), signedForm("case-visit-form",
      [field("visit-place", "case_place", place), field("visit-lat", "case_lat", lat), field("visit-lon", "case_lon", lon),
        field("visit-who", "case_who", who), h("span", { id: "visit-who-hint", class: "hint" }, t("case_who_hint")),
        field("visit-interviews", "case_interviews", interviews), field("visit-summary", "case_summary", summary)], t("case_visit"),
      () => required([place, "case_place"], [lat, "case_lat"], [lon, "case_lon"], [who, "case_who"], [summary, "case_summary"]),
      // To the millisecond: whole seconds could fall before an opening signed
      // earlier in the same second. The node gives the canonical form.
      () => ({ case_visited: { case: c.position, visited_at: new Date().toISOString(),
        place: { name: place.value.trim(), lat: Number(lat.value), lon: Number(lon.value) },
        team_members: who.value.split(",").map((s) => s.trim()).filter(Boolean), interviews: Number(interviews.value || 0),
        evidence: [], summary: summary.value.trim() } }),
      (r) => t("case_signed_at", { position: String(r.position) })));
  }
  if (c.visits.length) {
    const formations = (await api("/api/v1/formations?limit=1000")).items;
    const severity = h("select", { id: "case-severity" }, ...SEVERITIES.map((s) => h("option", { value: s }, label("severity", s))));
    const responsible = h("select", { id: "case-responsible" }, h("option", { value: "" }, t("case_no_formation")),
      ...formations.map((f) => h("option", { value: f.id, translate: "no" }, f.name)));
    const reason = h("textarea", { id: "case-reason", rows: "3" });
    forms.push(h("h2", null, t("case_position_title")), signedForm("case-position-form",
      [field("case-severity", "case_severity", severity), field("case-responsible", "case_responsible", responsible),
        field("case-reason", "reason", reason)], t("case_position"),
      () => required([reason, "reason"]) ||
        (responsible.value && !severity.value.endsWith("_violation") ? t("case_responsible_needs_violation") : null),
      () => ({ case_position: Object.assign({ case: c.position, severity: severity.value, reason: reason.value.trim() },
        responsible.value ? { responsible: responsible.value } : {}) }),
      (r) => t("case_signed_at", { position: String(r.position) })));
  }
  return forms;
}

async function showCase(id) {
  const c = await api("/api/v1/cases/" + encodeURIComponent(id));
  const finding = c.finding
    ? h("section", { id: "case-finding", "aria-labelledby": "case-finding-title" }, h("h2", { id: "case-finding-title" }, t("case_finding")),
      h("p", null, h("strong", { "data-severity": c.finding.severity }, label("severity", c.finding.severity)),
        c.finding.responsible ? [" — ", data("span", null, c.finding.responsible)] : null,
        " (" + t("case_days", { days: num(c.finding.days_to_finding) }) + (c.finding.late ? ", " + t("case_late") : "") + ")"),
      h("p", null, t("case_endorsed_by"), " ", data("span", null, c.finding.endorsed_by.join(", ")), " — ", data("span", null, c.finding.rule)),
      c.finding.dissent.length ? h("p", null, t("dissent"), ": ", data("span", null, c.finding.dissent.join(", "))) : null)
    : null;
  setView(c.id,
    h("p", null, stepTag(c), " ", aboutText(c), " — ", t("case_opened_by", { party: c.party, time: when(c.opened) })),
    h("blockquote", null, data("p", null, c.question)),
    finding,
    h("h2", null, t("case_deadlines")), stepsTable(c),
    h("h2", null, t("case_tasks")), c.tasks.length ? h("ul", null, ...c.tasks.map((k) => h("li", null,
      data("strong", null, k.team), " — ", data("span", null, k.party), ", " + when(k.time) + ": ", data("span", null, k.instructions)))) : h("p", null, t("none")),
    h("h2", null, t("case_visits")), c.visits.length ? h("ul", { id: "case-visits" }, ...c.visits.map((v) => h("li", null,
      when(v.visited_at), " — ", data("strong", null, v.place), " (" + v.lat + ", " + v.lon + "), ",
      t("case_interviews_n", { n: v.interviews }), ", ", t("case_evidence_n", { n: v.evidence.length }), ": ",
      data("span", null, v.summary)))) : h("p", null, t("none")),
    h("h2", null, t("positions")), c.positions.length ? h("table", { id: "case-positions" }, h("tbody", null, ...c.positions.map((p) =>
      h("tr", { "data-party": p.party }, data("th", { scope: "row" }, p.party), h("td", null, label("severity", p.severity)),
        h("td", null, p.responsible ? data("span", null, p.responsible) : "—"), h("td", null, data("span", null, p.reason)))))) : h("p", null, t("none")));
  main.append(...(await caseForms(c)));
}

export async function show(name, arg, params) {
  if (!session.member) { setView(t("cases_title"), h("p", null, t("cases_need_token"))); return; }
  if (name === "case" && arg) return showCase(arg);
  const step = params.get("step");
  const overdue = params.get("overdue") === "true";
  const query = new URLSearchParams();
  if (STEPS.includes(step)) query.set("step", step);
  if (overdue) query.set("overdue", "true");
  const list = await api("/api/v1/cases" + (query.toString() ? "?" + query : ""));
  const current = (s) => (s === step && !overdue) ? "page" : null;
  const filters = h("p", { class: "filters" }, h("a", { href: "#/cases", "aria-current": !step && !overdue ? "page" : null }, t("requests_all")),
    ...STEPS.map((s) => [" · ", h("a", { href: "#/cases?step=" + s, "aria-current": current(s) }, label("case_step", s))]),
    " · ", h("a", { href: "#/cases?overdue=true", "aria-current": overdue ? "page" : null }, t("case_overdue")));
  setView(t("cases_title"), filters,
    list.length ? h("ul", { id: "cases", class: "cards" }, ...list.map(caseLine)) : h("p", { id: "cases-none" }, t("none")));
}
