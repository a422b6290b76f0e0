// The ceasefire regime: agreements in force (public), and for members the
// compliance with the criteria, the graduated measures, meetings and
// documents.
import { t, label, date } from "../i18n.js";
import { h, data, setView, errorBox, saveDownload } from "../dom.js";
import { api, session, fetchWithToken } from "../api.js";

export async function show() {
  const agreements = await api("/api/v1/agreements");
  const sections = [h("h2", null, t("regime_agreements")), agreements.length === 0 ? h("p", null, t("none")) :
    h("div", { id: "agreements" }, ...agreements.map((a) => h("section", { class: "card" },
      h("h3", null, data("span", null, a.spec.title), " (" + a.spec.id + ", D-" + a.decision + ")"),
      h("ul", null, ...a.spec.clauses.map((c) => h("li", { "data-clause": c.id }, h("strong", null, c.id + ": "), data("span", null, c.text),
        c.prohibits ? h("p", { class: "prohibited-act", "data-base-type": c.prohibits.base_type },
          t("prohibited_act"), " ", data("strong", null, c.prohibits.name), " — ", t("prohibited_act_base", { type: label("type", c.prohibits.base_type) })) : null))),
      a.spec.zones.length ? h("p", null, t("regime_zones") + ": ", ...a.spec.zones.map((z, i) => [i ? "; " : "",
        data("span", null, z.name), " (" + t("zone_" + z.kind) + ", " + t("from") + " " + date(z.valid_from) + (z.valid_to ? " " + t("to") + " " + date(z.valid_to) : "") + ")"])) : null)))];
  if (session.access === "public") {
    setView(t("regime_title"), ...sections, h("p", { id: "regime-need-token" }, t("regime_need_token")));
    return;
  }
  const [compliance, measures, meetings, documents] = await Promise.all([
    api("/api/v1/compliance").catch((e) => (e.status === 404 ? null : Promise.reject(e))),
    api("/api/v1/measures"), api("/api/v1/meetings"), api("/api/v1/documents")]);
  sections.push(h("h2", null, t("regime_compliance")));
  sections.push(!compliance ? h("p", null, t("regime_no_criteria")) : h("div", { class: "table-wrap" }, h("table", { id: "compliance" },
    h("caption", null, t("regime_compliance_as_of", { date: date(compliance.date), decision: compliance.criteria_decision })),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("regime_formation")), h("th", { scope: "col" }, t("regime_verdict")), h("th", { scope: "col" }, t("regime_why")))),
    h("tbody", null, ...compliance.formations.map((c) => h("tr", { "data-complies": String(c.complies) },
      data("th", { scope: "row" }, c.formation), h("td", null, c.complies ? t("complies") : t("fails")),
      data("td", null, c.failures.map((f) => f.criterion + ": " + f.reason).join("; ") || "—")))))));
  sections.push(h("h2", null, t("regime_measures")));
  sections.push(measureList(measures));
  sections.push(h("h2", null, t("regime_meetings")));
  sections.push(h("ul", { id: "meetings" }, ...meetings.map((m) => h("li", null,
    h("strong", null, date(m.record.date) + " — ", data("span", null, m.record.place)),
    " (" + label("meeting_level", m.record.level) + ", " + label("meeting_status", m.record.status) + "); " + t("regime_participants") + ": ",
    data("span", null, m.record.participants.join(", ")),
    m.record.observers.length ? ["; " + t("regime_observers") + ": ", data("span", null, m.record.observers.join(", "))] : null,
    m.record.summary ? [". ", data("span", null, m.record.summary)] : null,
    m.decisions.length ? " — " + m.decisions.join(", ") : null))));
  sections.push(h("h2", null, t("regime_documents")));
  sections.push(h("ul", { id: "documents" }, ...documents.flatMap((d) => d.versions.map((v) => h("li", null,
    h("a", { href: "/api/v1/documents/" + v.version.sha256, "data-sha": v.version.sha256, class: "document-link", translate: "no" }, v.version.title),
    " — " + t("regime_approved_by") + " ", data("span", null, Object.keys(v.approvals).join(", ") || "—"))))));
  setView(t("regime_title"), ...sections);
  // The document files need the token too: fetch them rather than follow the link.
  for (const link of document.querySelectorAll(".document-link")) {
    link.addEventListener("click", async (e) => {
      e.preventDefault();
      try { saveDownload(await fetchWithToken(link.getAttribute("href")), link.textContent); } catch (err) { link.after(errorBox(err)); }
    });
  }
}

export function measureList(measures) {
  return h("ul", { id: "measures" }, ...measures.measures.map((m) => h("li", null,
    h("a", { href: "#/decision/" + String(m.decision).replace(/^D-/, "") }, m.decision), " — ",
    t("measure_line", { step: m.measure.step, formation: m.measure.formation, status: label("status", m.status), date: date(m.measure.comply_by) }),
    m.compliance.length ? [" — ", ...m.compliance.map((c, i) => [i ? ", " : "", data("span", null, c.party), ": " + label("outcome", c.outcome)])] : null)),
    ...measures.due.map((d) => h("li", { class: "due" }, t("regime_due", { step: d.step.id, formation: d.formation }), " — ", data("span", null, d.reason))));
}
