// Joining: a new member sends this browser's public key with the token the
// operator made for them; the operator compares the fingerprint and admits
// the key, signing member_admitted in their own browser. The token then
// signs the member in, and the key signs as that same member.
import { t, label, when } from "../i18n.js";
import { h, td, setView, errorText, announce } from "../dom.js";
import { api, session } from "../api.js";
import { storedKey, generateKey, keyInfo, admittedKey, signBody } from "../keystore.js";

// The key id in groups of four, easier to read out and compare.
export function fingerprint(keyId) { return keyId.match(/.{1,4}/g).join(" "); }

export async function show() {
  const keySection = h("section", { id: "join-key", "aria-labelledby": "join-key-title" },
    h("h2", { id: "join-key-title" }, t("enrol_title")));
  const requestSection = h("section", { id: "join-request", "aria-labelledby": "join-request-title" },
    h("h2", { id: "join-request-title" }, t("join_request_title")), h("p", null, t("join_help")));
  const waiting = h("section", { id: "join-waiting", "aria-labelledby": "join-waiting-title" });
  // A member signed in is in the Record already: only the waiting keys
  // (for those who may admit) and this browser's key concern them.
  setView(t("join_title"), ...[keySection, session.member ? null : requestSection, waiting].filter(Boolean));
  await showWaiting(waiting);
  if (!window.crypto || !crypto.subtle) { keySection.append(h("p", { class: "notice warn" }, t("no_ed25519"))); return; }
  let pair = await storedKey();
  const keyHolder = h("div");
  keySection.append(keyHolder);
  async function showKey() {
    const info = await keyInfo(pair);
    keyHolder.replaceChildren(h("dl", null,
      h("dt", null, t("fingerprint")), h("dd", { class: "mono", id: "join-fingerprint", translate: "no" }, fingerprint(info.keyId)),
      h("dt", null, t("public_key")), h("dd", { class: "mono", id: "join-public-key", translate: "no" }, info.publicKey)));
    return info;
  }
  if (pair) await showKey();
  else {
    const button = h("button", { type: "button", id: "join-enrol" }, t("enrol"));
    keyHolder.append(button);
    button.addEventListener("click", async () => {
      try { pair = await generateKey(); await showKey(); document.getElementById("join-fingerprint").focus?.(); } catch (e) {
        keyHolder.append(h("p", { class: "notice warn" }, t("no_ed25519") + " (" + errorText(e) + ")"));
      }
    });
  }

  const field = (id, text, control) => h("label", { for: id }, text, control,
    h("span", { class: "field-error", id: id + "-error", "aria-live": "polite" }));
  const tokenInput = h("input", { type: "password", id: "join-token", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "join-token-error" });
  const partyInput = h("input", { type: "text", id: "join-party", maxlength: "100", required: true, "aria-describedby": "join-party-error" });
  const result = h("div", { id: "join-result", "aria-live": "polite" });
  const form = h("form", { id: "join-form", novalidate: true },
    field("join-token", t("join_token"), tokenInput), field("join-party", t("join_party"), partyInput),
    h("button", { type: "submit", id: "join-submit" }, t("join_send")), result);
  requestSection.append(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    result.replaceChildren();
    let bad = null;
    for (const [input, empty] of [[tokenInput, !tokenInput.value.trim()], [partyInput, !partyInput.value.trim()]]) {
      input.setAttribute("aria-invalid", empty ? "true" : "false");
      document.getElementById(input.id + "-error").textContent = empty ? t("required") : "";
      if (empty && !bad) bad = input;
    }
    if (bad) { bad.focus(); return; }
    if (!pair) { result.append(h("p", { class: "error", role: "alert" }, t("join_need_key"))); return; }
    try {
      const info = await keyInfo(pair);
      const sent = await api("/api/v1/join-requests", { method: "POST", token: tokenInput.value.trim(),
        json: { public_key: info.publicKey, party: partyInput.value.trim() } });
      result.append(h("p", { class: "ok", id: "join-sent", "data-member": sent.member },
        ...td("join_sent", { member: sent.member, fingerprint: fingerprint(sent.key_id) })));
      announce(result.textContent);
    } catch (err) {
      result.append(h("p", { class: "error", role: "alert" }, err.status === 401 ? t("login_bad") : errorText(err)));
    }
  });
}

// The keys waiting to be admitted, shown only to a member who may admit.
async function showWaiting(section) {
  if (!session.member) return;
  let requests;
  try { requests = await api("/api/v1/join-requests"); } catch (e) {
    if (e.status === 403) return;
    throw e;
  }
  section.append(h("h2", { id: "join-waiting-title" }, t("join_waiting_title")));
  if (!requests.length) { section.append(h("p", { id: "join-none" }, t("join_none"))); return; }
  const key = await admittedKey();
  if (!key) section.append(h("p", { class: "notice warn", id: "join-cannot-sign" }, t("join_cannot_sign")));
  const rows = requests.map((r) => {
    const cell = h("td");
    if (key) {
      const button = h("button", { type: "button", class: "join-admit", "data-member": r.member,
        "aria-label": t("join_admit_member", { member: r.member }) }, t("join_admit"));
      button.addEventListener("click", async () => {
        button.disabled = true;
        cell.replaceChildren(h("span", null, t("signing")));
        try {
          const done = await signBody(key, { member_admitted: { member: r.member, party: r.party, role: r.role, public_key: r.public_key } });
          const text = t("join_admitted", { member: r.member, position: done.position });
          cell.replaceChildren(h("span", { class: "ok join-admitted", "data-member": r.member }, text));
          announce(text);
        } catch (err) { cell.replaceChildren(h("span", { class: "error", role: "alert" }, errorText(err))); button.disabled = false; }
      });
      cell.append(button);
    }
    return h("tr", { "data-member": r.member },
      h("td", { translate: "no" }, r.member), h("td", null, label("role", r.role)), h("td", { translate: "no" }, r.party),
      h("td", { class: "mono", translate: "no" }, fingerprint(r.key_id)), h("td", null, when(r.requested)), cell);
  });
  section.append(h("table", { id: "join-requests" },
    h("caption", null, t("join_waiting_caption")),
    h("thead", null, h("tr", null, ...["col_member", "join_role", "join_member_party", "fingerprint", "join_requested", "join_action"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, ...rows)));
}
