// Logging in with a member's read token (kept in this tab only).
import { t } from "../i18n.js";
import { h, td, setView, errorText } from "../dom.js";
import { api, session, setToken, setSession } from "../api.js";

export async function show() {
  if (session.member) {
    const out = h("button", { type: "button", id: "logout", onclick: async () => {
      setToken(null);
      setSession(null);
      window.dispatchEvent(new Event("truce:session"));
      location.hash = "#/map";
    } }, t("logout"));
    setView(t("login_title"), h("p", null, td("login_ok", { member: session.member, access: t("access_" + session.access) })), out);
    return;
  }
  const input = h("input", { type: "password", id: "token", autocomplete: "off", spellcheck: "false", "aria-describedby": "token-help", required: true });
  const message = h("p", { id: "login-message", role: "alert" });
  const form = h("form", { id: "login-form" },
    h("label", { for: "token" }, t("token"), input),
    h("p", { id: "token-help" }, t("token_help")),
    h("button", { type: "submit" }, t("login")), message);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const who = await api("/api/v1/whoami", { token: input.value.trim() });
      if (!who.member) throw new Error(t("login_bad"));
      setToken(input.value.trim());
      setSession(who);
      window.dispatchEvent(new Event("truce:session"));
      message.className = "ok";
      message.replaceChildren(...td("login_ok", { member: who.member, access: t("access_" + who.access) }));
    } catch (err) { message.className = "error"; message.textContent = err.status === 401 ? t("login_bad") : errorText(err); }
  });
  setView(t("login_title"), form);
}
