// Decisions: listed by status with each party's vote and the dissent;
// proposed and voted on here, signed in the browser. A decision's page
// says why it stands where it does.
import { t, label, date, when } from "../i18n.js";
import { h, td, data, setView, errorBox, announce } from "../dom.js";
import { api, session } from "../api.js";
import { vocabulary, ruleText } from "../shared.js";
import { admittedKey, signBody } from "../keystore.js";

const STATUSES = ["open", "adopted", "rejected", "expired"];

function voteMark(ballot) {
  if (!ballot) return h("span", { class: "vote vote-none" }, h("span", { "aria-hidden": "true" }, "○ "), t("vote_none"));
  return h("span", { class: "vote vote-" + ballot.vote }, h("span", { "aria-hidden": "true" }, ballot.vote === "endorse" ? "✓ " : "✗ "), label("vote", ballot.vote));
}
function votesSummary(d) {
  if (!d.votes) return null;
  return h("ul", { class: "votes" }, ...Object.entries(d.votes).map(([party, ballot]) =>
    h("li", { "data-party": party, "data-vote": ballot ? ballot.vote : "" }, data("span", null, party), ": ", voteMark(ballot))));
}
function decisionItem(d) {
  return h("li", { class: "decision", "data-decision": d.id, "data-status": d.status },
    h("a", { href: "#/decision/" + d.id }, d.name), " — ", h("span", { class: "tag" }, label("decision_type", d.type)), " ",
    data("span", null, d.title),
    d.deadline && d.status === "open" ? h("small", null, " (" + t("deadline_on", { date: when(d.deadline) }) + ")") : null,
    votesSummary(d),
    d.dissent && d.dissent.length ? h("p", { class: "dissent" }, t("dissent_count", { n: d.dissent.length })) : null);
}

export async function show(name, arg) {
  if (name === "decision") return showOne(arg);
  const member = session.access !== "public";
  const page = await api("/api/v1/decisions?limit=1000" + (member ? "" : "&status=adopted"));
  const by = new Map(STATUSES.map((s) => [s, []]));
  for (const d of page.items) (by.get(d.status) || by.set(d.status, []).get(d.status)).push(d);
  const sections = [];
  for (const status of STATUSES) {
    if (!member && status !== "adopted") continue;
    // Newest first within each status.
    const items = by.get(status).slice().reverse();
    sections.push(h("section", { id: "decisions-" + status, "aria-labelledby": "decisions-" + status + "-title" },
      h("h2", { id: "decisions-" + status + "-title" }, t("decisions_" + status), " (", String(items.length), ")"),
      items.length ? h("ul", { class: "decision-list" }, ...items.map(decisionItem)) : h("p", null, t("none"))));
  }
  const intro = member ? h("p", null, t("decisions_help")) : h("p", { id: "decisions-need-token" }, t("decisions_public"));
  setView(t("decisions_title"), intro, await proposeSection(), ...sections);
}

// Why a decision stands where it does, in words.
function explanation(d) {
  const total = d.votes ? Object.keys(d.votes).length : 0;
  const endorsed = d.votes ? Object.values(d.votes).filter((b) => b && b.vote === "endorse").length : 0;
  const objected = d.votes ? Object.entries(d.votes).filter(([, b]) => b && b.vote === "object").map(([p]) => p) : [];
  const waiting = d.votes ? Object.entries(d.votes).filter(([, b]) => !b).map(([p]) => p) : [];
  const rule = [" ", t("rule_is"), " ", h("q", null, ruleText(d.rule)), "."];
  switch (d.status) {
    case "adopted":
      return [t("why_adopted", { at: String(d.settled_at), endorsed, total }), ...rule];
    case "rejected":
      return [t("why_rejected", { at: String(d.settled_at), endorsed, total }), " ", data("span", null, objected.join(", ")), ".", ...rule];
    case "expired":
      return [t("why_expired", { deadline: when(d.deadline), endorsed, total }), ...rule];
    default:
      return [t("why_open", { deadline: when(d.deadline), endorsed, total }), waiting.length ? [" ", t("awaiting_parties"), " ", data("span", null, waiting.join(", ")), "."] : "", ...rule];
  }
}

async function showOne(id) {
  let d;
  try { d = await api("/api/v1/decisions/" + encodeURIComponent(id)); } catch (e) {
    setView(t("decision_title", { id: "D-" + id }), e.status === 401 ? h("p", { class: "notice" }, t("decisions_public")) : errorBox(e));
    return;
  }
  const parts = [
    h("p", null, h("span", { class: "tag" }, label("decision_type", d.type)), " ", h("strong", { id: "decision-status", "data-status": d.status }, label("status", d.status))),
    h("h2", null, data("span", null, d.title)),
  ];
  if (d.votes) {
    parts.push(
      h("p", { id: "decision-why", class: "notice" }, ...explanation(d)),
      h("dl", null,
        h("dt", null, t("proposed_by")), h("dd", null, data("span", null, d.proposed_by + " (" + d.party + ")")),
        h("dt", null, t("deadline")), h("dd", null, when(d.deadline)),
        d.references && d.references.length ? [h("dt", null, t("references")), h("dd", null, ...d.references.map((r, i) =>
          [i ? ", " : "", h("a", { href: "#/record?entry=" + r }, t("entry_n", { n: String(r) }))]))] : null),
      h("h3", null, t("decision_text")), data("div", { class: "decision-text" }, d.text),
      h("h3", null, t("votes")),
      h("div", { class: "table-wrap" }, h("table", { id: "decision-votes" },
        h("thead", null, h("tr", null, ...["col_guarantor", "col_vote", "col_member", "reason"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", null, ...Object.entries(d.votes).map(([party, b]) => h("tr", { "data-party": party, "data-vote": b ? b.vote : "" },
          data("th", { scope: "row" }, party), h("td", null, voteMark(b)),
          b ? data("td", null, b.member) : h("td", null, "—"),
          b ? data("td", null, b.reason) : h("td", null, "—")))))),
      h("h3", null, t("dissent")),
      d.dissent.length ? h("ul", { id: "dissent" }, ...d.dissent.map((x) => h("li", null, data("strong", null, x.party), ": ", data("span", null, x.reason))))
        : h("p", null, t("no_dissent")));
  } else {
    parts.push(h("p", { class: "notice" }, t("decision_public_summary", { at: String(d.settled_at) })));
  }
  setView(t("decision_title", { id: d.name }), ...parts);
  if (d.status === "open" && session.access === "guarantor") {
    const main = document.getElementById("main");
    main.append(await voteSection(d));
  }
}

async function voteSection(d) {
  const section = h("section", { id: "vote", "aria-labelledby": "vote-title" }, h("h2", { id: "vote-title" }, t("vote_title")));
  const key = await admittedKey();
  if (!key) return section.append(h("p", { class: "notice warn", id: "cannot-vote" }, t("vote_needs_key"))), section;
  const vocab = await vocabulary();
  const choice = h("fieldset", { id: "vote-choice" }, h("legend", null, t("your_vote")),
    ...vocab.votes.map((v, i) => h("label", { class: "inline", for: "vote-" + v },
      h("input", { type: "radio", name: "vote", id: "vote-" + v, value: v, checked: i === 0 }), label("vote", v))));
  const reason = h("textarea", { id: "vote-reason", rows: "3", "aria-describedby": "vote-reason-error vote-reason-help" });
  const reasonError = h("span", { class: "field-error", id: "vote-reason-error", "aria-live": "polite" });
  const result = h("div", { id: "vote-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "vote-submit" }, t("vote_submit"));
  const form = h("form", { id: "vote-form", novalidate: true }, choice,
    h("label", { for: "vote-reason" }, t("reason"), reason, h("small", { id: "vote-reason-help" }, t("vote_reason_help")), reasonError),
    submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const vote = form.querySelector("input[name=vote]:checked").value;
    reasonError.textContent = "";
    reason.removeAttribute("aria-invalid");
    if (vote === "object" && !reason.value.trim()) {
      reasonError.textContent = t("field_error", { field: t("reason"), message: t("objection_needs_reason") });
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
      return;
    }
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const receipt = await signBody(key, { decision_vote: { decision: d.id, vote, reason: reason.value.trim() } });
      result.replaceChildren(h("p", { class: "ok", id: "voted", "data-position": receipt.position }, t("voted", { position: String(receipt.position) })));
      announce(t("voted", { position: String(receipt.position) }));
      window.dispatchEvent(new Event("truce:counts"));
    } catch (err) { result.replaceChildren(errorBox(err)); } finally { submit.disabled = false; }
  });
  section.append(h("p", null, td("assess_as", { member: key.me.member })), form);
  return section;
}

// Proposing: a measure from the ladder, a designation or reinstatement of
// a formation, or another decision in words.
const PROPOSABLE = ["measure", "designation", "reinstatement", "other"];
async function proposeSection() {
  if (session.access !== "guarantor") return h("span");
  const key = await admittedKey();
  const details = h("details", { id: "propose" }, h("summary", null, t("propose_title")));
  if (!key) { details.append(h("p", { class: "notice warn" }, t("vote_needs_key"))); return details; }
  const [vocab, formations] = await Promise.all([vocabulary(), api("/api/v1/formations?limit=1000").then((p) => p.items)]);
  const field = (id, text, control, help) => h("label", { for: id, id: id + "-field" }, text, control, help ? h("small", null, help) : null,
    h("span", { class: "field-error", id: id + "-error", "aria-live": "polite" }));
  const inDays = (n) => new Date(Date.now() + n * 86400000);
  const type = h("select", { id: "p-type" }, ...PROPOSABLE.filter((ty) => vocab.decision_types.includes(ty)).map((ty) => h("option", { value: ty }, label("decision_type", ty))));
  const title = h("input", { id: "p-title", type: "text", maxlength: "300", required: true, "aria-describedby": "p-title-error" });
  const text = h("textarea", { id: "p-text", rows: "4", required: true, "aria-describedby": "p-text-error" });
  const deadline = h("input", { id: "p-deadline", type: "date", value: inDays(7).toISOString().slice(0, 10), required: true, "aria-describedby": "p-deadline-error" });
  const references = h("input", { id: "p-references", type: "text", inputmode: "numeric", "aria-describedby": "p-references-error" });
  const formation = h("select", { id: "p-formation", "aria-describedby": "p-formation-error" },
    ...formations.map((f) => h("option", { value: f.id, translate: "no" }, f.name)));
  const step = h("select", { id: "p-step" }, ...vocab.measure_steps.map((s) => h("option", { value: s.id, "data-days": s.comply_within_days, translate: "no" }, s.name)));
  const comply = h("input", { id: "p-comply", type: "date", value: inDays(14).toISOString().slice(0, 10), "aria-describedby": "p-comply-error" });
  const newStatus = h("select", { id: "p-status" }, ...["joined", "suspended"].map((s) => h("option", { value: s }, label("formation_status", s))));
  const validFrom = h("input", { id: "p-valid-from", type: "date", value: new Date().toISOString().slice(0, 10), "aria-describedby": "p-valid-from-error" });
  const result = h("div", { id: "propose-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "propose-submit" }, t("propose_submit"));
  const measureFields = h("div", { class: "grid2", id: "p-measure" }, field("p-step", t("measure_step"), step), field("p-comply", t("comply_by"), comply));
  const newStatusField = field("p-status", t("new_status"), newStatus);
  const statusFields = h("div", { class: "grid2", id: "p-status-fields" }, newStatusField, field("p-valid-from", t("valid_from"), validFrom));
  const formationField = field("p-formation", t("formation"), formation);
  const form = h("form", { id: "propose-form", novalidate: true },
    h("div", { class: "grid2" }, field("p-type", t("decision_type"), type), field("p-deadline", t("deadline"), deadline, t("deadline_help"))),
    field("p-title", t("decision_title_field"), title), field("p-text", t("decision_text"), text),
    field("p-references", t("references"), references, t("references_help")),
    formationField, measureFields, statusFields, submit, result);
  function showFields() {
    const ty = type.value;
    formationField.hidden = ty === "other";
    measureFields.hidden = ty !== "measure";
    statusFields.hidden = ty !== "designation" && ty !== "reinstatement";
    newStatusField.hidden = ty !== "reinstatement";
  }
  type.addEventListener("change", showFields);
  showFields();
  function setError(id, message) {
    const el = document.getElementById(id);
    if (el) el.setAttribute("aria-invalid", message ? "true" : "false");
    document.getElementById(id + "-error").textContent = message || "";
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const errors = [];
    const need = (id, ok, message) => { setError(id, ok ? "" : message); if (!ok) errors.push(id); };
    need("p-title", title.value.trim() !== "", t("required"));
    need("p-text", text.value.trim() !== "", t("required"));
    need("p-deadline", !!deadline.value && new Date(deadline.value + "T23:59:59Z") > new Date(), t("deadline_future"));
    const refs = references.value.split(/[\s,]+/).filter(Boolean);
    need("p-references", refs.every((r) => /^(?:[A-Za-z]-?)?\d+$/.test(r)), t("references_bad"));
    if (type.value === "measure") need("p-comply", !!comply.value, t("required"));
    if (errors.length) { document.getElementById(errors[0]).focus(); return; }
    const ty = type.value;
    const body = {
      decision_type: ty, title: title.value.trim(), text: text.value.trim(),
      deadline: deadline.value + "T23:59:59Z", references: refs.map((r) => Number(r.replace(/^[A-Za-z]-?/, ""))),
      measure: ty === "measure" ? { formation: formation.value, step: step.value, comply_by: comply.value } : null,
      exchange: null, agreement: null,
      status: ty === "designation" ? { formation: formation.value, status: "excluded", valid_from: validFrom.value }
        : ty === "reinstatement" ? { formation: formation.value, status: newStatus.value, valid_from: validFrom.value } : null,
      criteria: null,
    };
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const receipt = await signBody(key, { decision_proposed: body });
      result.replaceChildren(h("p", { class: "ok", id: "proposed", "data-position": receipt.position },
        t("proposed", { id: "D-" + receipt.position }), " ", h("a", { href: "#/decision/" + receipt.position }, t("decision_title", { id: "D-" + receipt.position }))));
      announce(t("proposed", { id: "D-" + receipt.position }));
    } catch (err) {
      const f = err.body && err.body.field ? String(err.body.field).split(".").pop() : null;
      const ids = { title: "p-title", text: "p-text", deadline: "p-deadline", references: "p-references", comply_by: "p-comply", step: "p-step", formation: "p-formation", valid_from: "p-valid-from" };
      if (f && ids[f]) setError(ids[f], err.body.error);
      result.replaceChildren(errorBox(err));
    } finally { submit.disabled = false; }
  });
  details.append(h("p", null, td("assess_as", { member: key.me.member })), form);
  return details;
}
