// Complaints from anyone. The public sends one (no account) and follows it
// by its reference (#/complain, #/complaint/C-XXXXX-XXXXX): the status and
// nothing else. Members see the queue (#/complaints) with what the Record
// says of each; a guarantor with an admitted key declines one with a
// reason (signed here) or takes it up as a report (#/file?complaint=…).
import { t, when } from "../i18n.js";
import { h, data, setView, errorBox, announce } from "../dom.js";
import { api, session } from "../api.js";
import { admittedKey, signBody } from "../keystore.js";

const STATUSES = ["waiting", "adopted", "declined"];

function statusText(status) {
  return t(STATUSES.includes(status) ? "complaint_status_" + status : "complaint_status_waiting");
}

function field(id, text, control, help) {
  return h("label", { for: id }, text, control, help ? h("small", { id: id + "-help" }, help) : null,
    h("span", { class: "field-error", id: id + "-error", "aria-live": "polite" }));
}

function sendForm() {
  const input = (id, attrs) => h("input", Object.assign({ id, name: id, "aria-describedby": id + "-error" }, attrs));
  const text = h("textarea", { id: "complaint-text", name: "text", rows: "6", maxlength: "8000", required: true, "aria-describedby": "complaint-text-error" });
  const place = input("complaint-place", { type: "text", maxlength: "200" });
  const occurred = input("complaint-occurred", { type: "date", max: new Date().toISOString().slice(0, 10) });
  const from = input("complaint-from", { type: "text", maxlength: "200" });
  const contact = input("complaint-contact", { type: "text", maxlength: "200" });
  const result = h("div", { id: "complaint-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "complaint-submit" }, t("complaint_send"));
  const form = h("form", { id: "complaint-form", novalidate: true },
    field("complaint-text", t("complaint_text"), text, t("complaint_text_help")),
    h("div", { class: "grid2" },
      field("complaint-place", t("place"), place),
      field("complaint-occurred", t("complaint_occurred"), occurred),
      field("complaint-from", t("complaint_from"), from, t("complaint_from_help")),
      field("complaint-contact", t("complaint_contact"), contact, t("complaint_contact_help"))),
    submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const error = document.getElementById("complaint-text-error");
    error.textContent = "";
    text.removeAttribute("aria-invalid");
    if (!text.value.trim()) {
      error.textContent = t("field_error", { field: t("complaint_text"), message: t("required") });
      text.setAttribute("aria-invalid", "true");
      text.focus();
      return;
    }
    submit.disabled = true;
    const optional = (v) => (v.trim() ? v.trim() : null);
    try {
      const answer = await api("/api/v1/complaints", { method: "POST", json: {
        text: text.value.trim(), place: optional(place.value), occurred: optional(occurred.value),
        from: optional(from.value), contact: optional(contact.value),
      } });
      result.replaceChildren(h("div", { class: "ok", id: "complaint-sent", "data-reference": answer.reference },
        h("p", null, t("complaint_sent")),
        h("p", { class: "reference" }, data("strong", { id: "complaint-reference" }, answer.reference)),
        h("p", null, h("a", { href: "#/complaint/" + answer.reference }, t("complaint_follow")))));
      announce(t("complaint_sent") + " " + answer.reference);
      form.reset();
    } catch (err) {
      result.replaceChildren(errorBox(err));
    } finally { submit.disabled = false; }
  });
  return form;
}

function lookupForm() {
  const reference = h("input", { id: "complaint-lookup", type: "text", placeholder: "C-XXXXX-XXXXX", autocomplete: "off", translate: "no" });
  const form = h("form", { id: "complaint-lookup-form" },
    h("label", { for: "complaint-lookup" }, t("complaint_reference"), reference),
    h("button", { type: "submit" }, t("complaint_follow")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (reference.value.trim()) location.hash = "#/complaint/" + encodeURIComponent(reference.value.trim().toUpperCase());
  });
  return form;
}

async function showStatus(reference) {
  try {
    const status = await api("/api/v1/complaints/" + encodeURIComponent(reference), { token: null });
    setView(t("complaint_title_one", { reference }),
      h("dl", { id: "complaint-status", "data-status": status.status },
        h("dt", null, t("complaint_reference")), data("dd", null, status.reference),
        h("dt", null, t("complaint_received")), h("dd", null, when(status.received)),
        h("dt", null, t("complaint_status")), h("dd", null, statusText(status.status))),
      h("p", null, t("complaint_status_help")));
  } catch (err) {
    setView(t("complaint_title_one", { reference }), errorBox(err), lookupForm());
  }
}

function declineForm(complaint, key, item) {
  const reason = h("textarea", { id: "decline-reason-" + complaint.reference, rows: "2", class: "decline-reason" });
  const result = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "complaint-decline", "data-reference": complaint.reference }, t("complaint_decline"));
  const form = h("form", { novalidate: true },
    h("label", { for: "decline-reason-" + complaint.reference }, t("reason"), reason), submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!reason.value.trim()) {
      result.replaceChildren(h("p", { class: "error" }, t("field_error", { field: t("reason"), message: t("required") })));
      reason.focus();
      return;
    }
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const receipt = await signBody(key, { complaint_declined: { complaint: complaint.sha256, reason: reason.value.trim() } });
      item.dataset.status = "declined";
      submit.remove();
      reason.disabled = true;
      result.replaceChildren(h("p", { class: "ok complaint-declined", "data-position": receipt.position }, t("complaint_declined_at", { position: String(receipt.position) })));
      announce(t("complaint_declined_at", { position: String(receipt.position) }));
    } catch (err) { result.replaceChildren(errorBox(err)); } finally { submit.disabled = false; }
  });
  return form;
}

async function showQueue(params) {
  const waitingOnly = params.get("waiting") === "true";
  const complaints = await api("/api/v1/complaints" + (waitingOnly ? "?waiting=true" : ""));
  const key = session.access === "guarantor" ? await admittedKey() : null;
  const list = h("ul", { id: "complaints", class: "cards" });
  for (const c of complaints) {
    const item = h("li", { "data-reference": c.reference, "data-status": c.status },
      h("h2", null, data("span", null, c.reference), " — ", statusText(c.status)),
      h("p", { class: "meta" }, t("complaint_received"), " ", when(c.received),
        c.place ? [" · ", data("span", null, c.place)] : null,
        c.occurred ? [" · ", c.occurred] : null,
        c.from ? [" · ", data("span", null, c.from)] : null),
      data("p", { class: "complaint-text" }, c.text),
      c.contact ? h("p", null, t("complaint_contact"), ": ", data("span", null, c.contact)) : null);
    if (c.status === "adopted" && c.report) {
      item.append(h("p", null, h("a", { href: "#/incident/" + c.report.replace(/^R-/, "") }, t("complaint_adopted_as", { report: c.report })), " ", data("span", null, c.party || "")));
    } else if (c.status === "declined") {
      item.append(h("p", null, t("complaint_declined_by", { party: c.party || "" }), " ", data("span", null, c.reason || "")));
    } else if (key) {
      item.append(h("p", null, h("a", { href: "#/file?complaint=" + c.reference, class: "complaint-take-up" }, t("complaint_take_up"))),
        declineForm(c, key, item));
    }
    list.append(item);
  }
  const filter = h("p", null, waitingOnly
    ? h("a", { href: "#/complaints" }, t("complaints_all"))
    : h("a", { href: "#/complaints?waiting=true" }, t("complaints_waiting_only")));
  const parts = [filter, complaints.length ? list : h("p", { id: "complaints-none" }, t("complaints_none"))];
  if (session.access === "guarantor" && !key) parts.push(h("p", { class: "notice warn" }, t("vote_needs_key")));
  setView(t("complaints_title"), ...parts);
}

export async function show(name, arg, params) {
  if (name === "complaint" && arg) return showStatus(decodeURIComponent(arg));
  if (name === "complaints" && session.access !== "public") return showQueue(params);
  setView(t("complain_title"), h("p", null, t("complain_help")), sendForm(),
    h("h2", null, t("complaint_follow")), lookupForm());
}
