// Requests for clarification between the parties: the list for members
// (#/requests), a form on an incident's page to ask another party, and a
// form to answer one asked of the member's own party (on this page and
// on "Awaiting my party"). Asking and answering are signed here.
import { t, label, when } from "../i18n.js";
import { h, data, setView, errorBox, announce } from "../dom.js";
import { api, session } from "../api.js";
import { admittedKey, signBody } from "../keystore.js";

const STATES = ["open", "overdue", "answered", "answered_late"];

function stateTag(state) {
  return h("span", { class: "tag state-" + state, "data-state": state }, label("request_state", state));
}

function aboutLink(r) {
  return r.about_kind === "incident"
    ? h("a", { href: "#/incident/" + r.about.replace(/^R-/, "") }, r.about)
    : data("span", null, r.about);
}

// A request as a list item: who asked whom, the question, by when, the answer.
export function requestItem(r, answerSlot) {
  return h("li", { "data-request": r.position, "data-state": r.state },
    h("p", null, h("strong", null, r.id), " ", stateTag(r.state), " ",
      t("request_line", { from: r.from, to: r.to }), " — ", aboutLink(r), " — ",
      t("request_reply_by", { time: when(r.reply_by) })),
    h("blockquote", null, data("p", null, r.question)),
    r.answer ? h("p", { class: "answer" }, t("request_answered_by"), " ", data("span", null, r.answer.member), ", ",
      when(r.answer.time), ": ", data("span", null, r.answer.answer)) : null,
    answerSlot || null);
}

// The form to answer a request asked of the member's party.
export function answerForm(key, r, onDone) {
  const text = h("textarea", { id: "answer-" + r.position, rows: "3", class: "request-answer" });
  const result = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "request-answer-submit", "data-request": r.position }, t("request_answer"));
  const form = h("form", { novalidate: true, class: "answer-form" },
    h("label", { for: "answer-" + r.position }, t("request_your_answer"), text), submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      result.replaceChildren(h("p", { class: "error" }, t("field_error", { field: t("request_your_answer"), message: t("required") })));
      text.focus();
      return;
    }
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const receipt = await signBody(key, { request_answered: { request: r.position, answer: text.value.trim() } });
      result.replaceChildren(h("p", { class: "ok request-answered", "data-position": receipt.position }, t("request_answered_at", { position: String(receipt.position) })));
      announce(t("request_answered_at", { position: String(receipt.position) }));
      submit.remove();
      text.disabled = true;
      window.dispatchEvent(new Event("truce:counts"));
      if (onDone) onDone(receipt);
    } catch (err) { result.replaceChildren(errorBox(err)); } finally { submit.disabled = false; }
  });
  return form;
}

// The form on an incident's page: ask another party about it.
export async function askSection(incidentId) {
  const section = h("section", { id: "ask", "aria-labelledby": "ask-title" }, h("h2", { id: "ask-title" }, t("request_ask_title")));
  if (session.access !== "guarantor") return section.append(h("p", { class: "notice" }, t("assess_guarantors_only"))), section;
  const key = await admittedKey();
  if (!key) return section.append(h("p", { class: "notice warn" }, t("assess_needs_key"))), section;
  const parties = [...new Set((await api("/api/v1/members")).filter((m) => m.party !== key.me.party).map((m) => m.party))];
  const to = h("select", { id: "ask-to" }, ...parties.map((p) => h("option", { value: p, translate: "no" }, p)));
  const question = h("textarea", { id: "ask-question", rows: "3", "aria-describedby": "ask-question-error" });
  const error = h("span", { class: "field-error", id: "ask-question-error", "aria-live": "polite" });
  const hours = h("input", { id: "ask-hours", type: "number", min: "1", max: "2160", value: "48", inputmode: "numeric" });
  const result = h("div", { id: "ask-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "ask-submit" }, t("request_ask"));
  const form = h("form", { id: "ask-form", novalidate: true },
    h("label", { for: "ask-to" }, t("request_to"), to),
    h("label", { for: "ask-question" }, t("request_question"), question, error),
    h("label", { for: "ask-hours" }, t("request_hours"), hours), submit, result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    if (!question.value.trim()) {
      error.textContent = t("field_error", { field: t("request_question"), message: t("required") });
      question.focus();
      return;
    }
    submit.disabled = true;
    result.textContent = t("signing");
    try {
      const replyBy = new Date(Date.now() + Number(hours.value || 48) * 3600 * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      const receipt = await signBody(key, { request_made: { to: to.value, about: { incident: Number(incidentId) },
        question: question.value.trim(), reply_by: replyBy } });
      result.replaceChildren(h("p", { class: "ok", id: "asked", "data-position": receipt.position },
        t("request_asked", { id: "Q-" + receipt.position }), " ", h("a", { href: "#/requests" }, t("nav_requests"))));
      announce(t("request_asked", { id: "Q-" + receipt.position }));
    } catch (err) { result.replaceChildren(errorBox(err)); } finally { submit.disabled = false; }
  });
  section.append(form);
  return section;
}

export async function show(_name, _arg, params) {
  if (session.access === "public") { setView(t("requests_title"), h("p", null, t("requests_need_token"))); return; }
  const state = params.get("state");
  const list = await api("/api/v1/requests" + (STATES.includes(state) ? "?state=" + state : ""));
  const key = session.access === "guarantor" ? await admittedKey() : null;
  const filters = h("p", { class: "filters" }, h("a", { href: "#/requests", "aria-current": state ? null : "page" }, t("requests_all")),
    ...STATES.map((s) => [" · ", h("a", { href: "#/requests?state=" + s, "aria-current": state === s ? "page" : null }, label("request_state", s))]));
  const items = list.map((r) => requestItem(r,
    key && r.to === key.me.party && !r.answer ? answerForm(key, r) : null));
  setView(t("requests_title"), filters,
    items.length ? h("ul", { id: "requests", class: "cards" }, ...items) : h("p", { id: "requests-none" }, t("none")));
}
