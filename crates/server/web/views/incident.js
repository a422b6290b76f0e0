// One incident: its reports side by side, each guarantor's position, the
// assessments, and the statements in the Record that hold them; a
// guarantor assesses it here, signed in the browser.
import { t, label, date, num } from "../i18n.js";
import { h, td, data, setView, errorBox, announce, saveDownload, main } from "../dom.js";
import { api, session, fetchWithToken } from "../api.js";
import { findingCode, findingText, FINDINGS, govName, ruleText } from "../shared.js";
import { admittedKey, signBody } from "../keystore.js";

export function statementLinks(positions) {
  return h("ul", null, ...positions.map((n) => h("li", null,
    h("a", { href: "/api/v1/proof/inclusion/" + n }, t("proof_link", { n })), " · ",
    h("a", { href: "#/record?entry=" + n }, t("verify_entry", { n })))));
}
function actor(a) {
  return a.formation ? data("span", null, a.formation) : a.unknown ? data("span", null, a.unknown) : "—";
}
function reportCard(r) {
  const f = r.fields;
  const loc = f.location;
  return h("section", { class: "card", "aria-label": r.name },
    h("h2", null, r.name, r.party ? [" — ", data("span", null, r.party)] : null),
    h("dl", null,
      h("dt", null, t("col_date")), h("dd", null, date(f.occurred) + " (" + label("time_precision", f.time_precision) + ")"),
      h("dt", null, t("col_place")), h("dd", null, loc.place ? [data("span", null, loc.place), ", "] : null,
        govName(r.governorate, r.governorate_name) + " (" + num(loc.lat) + ", " + num(loc.lon) + ", " + label("geo_precision", loc.precision) + ")"),
      h("dt", null, t("col_type")), h("dd", null, label("type", f.type)),
      r.zones && r.zones.length ? [h("dt", null, t("zones")), data("dd", { class: "zones" }, r.zones.join("; "))] : null,
      f.clause ? [h("dt", null, t("clause")), data("dd", null, f.clause)] : null,
      h("dt", null, t("perpetrator")), h("dd", null, actor(f.perpetrator)),
      h("dt", null, t("target")), h("dd", null, actor(f.target)),
      h("dt", null, t("casualties")), h("dd", null, (f.casualties || []).map((c) =>
        t("casualty_line", { best: c.best, status: label("casualty_status", c.status), outcome: label("outcome", c.outcome), low: c.low, high: c.high })).join("; ") || "—"),
      f.narrative !== undefined ? [h("dt", null, t("narrative")), data("dd", null, f.narrative)] : null,
      f.sources ? [h("dt", null, t("sources")), h("dd", null, ...f.sources.map((s, i) =>
        [i ? "; " : "", data("span", null, s.description), " (" + label("source_kind", s.kind) + ")"]))] : null,
      f.evidence && f.evidence.length ? [h("dt", null, t("evidence")), h("dd", null, h("ul", { class: "evidence" }, ...f.evidence.map(evidenceItem)))] : null));
}
// An evidence file: its name, size and hash; the file needs the token, so
// it is fetched rather than followed, and saved as a download.
function evidenceItem(e) {
  const link = h("a", { href: "/api/v1/evidence/" + e.sha256, class: "evidence-link", "data-sha": e.sha256, download: e.description || e.sha256, translate: "no" },
    e.description || t("evidence_file"));
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    try { saveDownload(await fetchWithToken(link.getAttribute("href")), link.getAttribute("download")); } catch (err) { link.after(errorBox(err)); }
  });
  return h("li", null, link, " (", data("span", null, e.media_type), ", " + t("bytes", { n: e.bytes }) + ") ",
    h("span", { class: "mono evidence-sha", translate: "no" }, "SHA-256 " + e.sha256));
}

export async function show(_name, id) {
  setView(t("incident_title", { id: "I-" + id }), h("p", null, t("loading")));
  let incident;
  try { incident = await api("/api/v1/incidents/" + encodeURIComponent(id)); } catch (e) {
    if (e.status !== 401 && e.status !== 403) { setView(t("incident_title", { id: "I-" + id }), errorBox(e)); return; }
    try {
      const report = await api("/api/v1/reports/" + encodeURIComponent(id));
      const code = findingCode(report.finding);
      setView(t("incident_title", { id: "I-" + (report.incident || id) }),
        h("p", { class: "notice" }, t("incidents_need_token")),
        h("p", null, t("col_finding") + ": ", h("strong", { class: (FINDINGS[code] || {}).cls }, findingText(report.finding))),
        h("div", { class: "side-by-side" }, reportCard(report)),
        h("h2", null, t("statement_positions")), statementLinks([report.id]));
    } catch (e2) { setView(t("incident_title", { id }), errorBox(e2)); }
    return;
  }
  const code = findingCode(incident.finding);
  const positions = incident.positions || {};
  setView(t("incident_title", { id: "I-" + incident.incident }),
    h("p", null, t("col_finding") + ": ", h("strong", { class: (FINDINGS[code] || {}).cls, id: "incident-finding" }, findingText(incident.finding)),
      " — " + t("col_rule") + ": ", ruleText(incident.rule), " — " + date(incident.date) + ", " + govName(incident.governorate, incident.governorate_name)),
    h("h2", null, t("reports")),
    h("div", { class: "side-by-side", id: "reports-side-by-side" }, ...incident.report_details.map(reportCard)),
    h("h2", null, t("positions")),
    h("table", null, h("tbody", null, ...Object.entries(positions).map(([party, p]) =>
      h("tr", null, data("th", { scope: "row" }, party), h("td", null, label("position", p)))))),
    h("h2", null, t("assessments")),
    incident.assessments.length ? h("ul", null, ...incident.assessments.map((a) => h("li", null,
      data("strong", null, a.party), " (", data("span", null, a.member), ", " + t("entry_n", { n: a.position }) + "): " + label("position", a.assessment.position),
      a.assessment.reason ? [" — " + t("reason") + ": ", data("span", null, a.assessment.reason)] : null))) : h("p", null, t("none")),
    h("h2", null, t("statement_positions")),
    statementLinks([...incident.report_details.map((r) => r.id), ...incident.assessments.map((a) => a.position)]));
  const first = incident.report_details[0] ? incident.report_details[0].id : id;
  main.append(await assessForm(first));
  const { askSection } = await import("./requests.js");
  main.append(await askSection(first));
  const { incidentCases } = await import("./cases.js");
  main.append(await incidentCases(first));
}

const POSITIONS = ["confirmed", "cannot_confirm", "disputed", "not_a_violation"];
async function assessForm(incidentId) {
  const section = h("section", { id: "assess", "aria-labelledby": "assess-title" }, h("h2", { id: "assess-title" }, t("assess_title")));
  if (session.access !== "guarantor") return section.append(h("p", { class: "notice", id: "cannot-assess" }, t("assess_guarantors_only"))), section;
  const key = await admittedKey();
  if (!key) return section.append(h("p", { class: "notice warn", id: "cannot-assess" }, t("assess_needs_key"))), section;
  const formations = (await api("/api/v1/formations?limit=1000")).items;
  const position = h("select", { id: "assess-position", name: "position" }, ...POSITIONS.map((p) => h("option", { value: p }, label("position", p))));
  const attributed = h("select", { id: "assess-attributed", name: "attributed_to" }, h("option", { value: "" }, t("not_attributed")),
    ...formations.map((f) => h("option", { value: f.id, translate: "no" }, f.name)));
  const reason = h("textarea", { id: "assess-reason", name: "reason", rows: "3", required: true, "aria-describedby": "assess-reason-error" });
  const reasonError = h("span", { class: "field-error", id: "assess-reason-error", "aria-live": "polite" });
  const result = h("div", { id: "assess-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "assess-submit" }, t("assess_submit"));
  const form = h("form", { id: "assess-form", novalidate: true },
    h("label", { for: "assess-position" }, t("assess_position"), position),
    h("label", { for: "assess-attributed" }, t("assess_attributed"), attributed),
    h("label", { for: "assess-reason" }, t("reason"), reason, reasonError), submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    reasonError.textContent = "";
    reason.removeAttribute("aria-invalid");
    if (!reason.value.trim()) {
      reasonError.textContent = t("field_error", { field: t("reason"), message: t("required") });
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
      return;
    }
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const receipt = await signBody(key, { assessment: { incident: Number(incidentId), position: position.value,
        attributed_to: attributed.value || null, reason: reason.value.trim(), references: [] } });
      result.replaceChildren(h("p", { class: "ok", id: "assessed", "data-position": receipt.position }, t("assessed", { position: receipt.position })));
      announce(t("assessed", { position: receipt.position }));
      window.dispatchEvent(new Event("truce:counts"));
    } catch (err) {
      result.replaceChildren(errorBox(err));
    } finally { submit.disabled = false; }
  });
  section.append(h("p", null, td("assess_as", { member: key.me.member })), form);
  return section;
}
