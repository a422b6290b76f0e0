// The Record: the latest checkpoint, its cosignatures, the witnesses and
// mirrors, and an entry verified in this browser (verify.js) with the
// mechanism's keys only.
import { t, num } from "../i18n.js";
import { h, data, setView, errorBox } from "../dom.js";
import { api } from "../api.js";
import { verifyCheckpoint, verifyInclusion, VerifyError } from "../verify.js";

function checkLine(id, ok, text) {
  return h("li", { id, class: ok ? "ok" : "error", "data-ok": String(ok) },
    h("span", { "aria-hidden": "true" }, ok ? "✓ " : "✗ "), text);
}
function witnessTable(witnesses) {
  return h("div", { class: "table-wrap" }, h("table", { id: "witnesses" },
    h("thead", null, h("tr", null, ...["col_guarantor", "col_witness", "col_cosignature"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, ...witnesses.map((w) => h("tr", { "data-witness": w.name, "data-status": w.status || "" },
      data("th", { scope: "row" }, w.party), data("td", { class: "mono" }, w.name),
      h("td", { class: w.status === "verified" ? "ok" : w.status === "invalid" ? "error" : "" }, t("cosignature_" + (w.status || "unchecked"))))))));
}
// What a mirror says of itself: whose copy it is, how far behind, and
// whether it stopped on evidence against the node it follows.
function mirrorStatus(mirror) {
  if (!mirror) return h("span");
  const lines = [h("p", null, t("mirror_of", { origin: "" }), data("span", null, mirror.origin)),
    h("p", { id: "mirror-behind" }, mirror.behind_entries
      ? t("mirror_behind", { entries: mirror.behind_entries, seconds: mirror.behind_seconds })
      : t("mirror_current"))];
  if (mirror.last_error) lines.push(h("p", { class: "error" }, t("mirror_unreachable"), " ", data("span", null, mirror.last_error)));
  if (mirror.stopped) lines.push(h("p", { class: "error", role: "alert", id: "mirror-stopped" }, t("mirror_stopped"), " ", data("span", null, mirror.stopped)));
  return h("section", { id: "mirror-status", "aria-label": t("mirror_title") }, h("h2", null, t("mirror_title")), ...lines);
}
// The node's view of its witness services: what each last cosigned.
function witnessServices(health) {
  const list = (health && health.witnesses) || [];
  if (!list.length) return h("span");
  return h("section", { id: "witness-services", "aria-label": t("witness_services") },
    h("h2", null, t("witness_services")),
    h("p", { id: "final-checkpoint" }, health.final_size != null ? t("final_up_to", { size: health.final_size }) : t("final_none")),
    // The witnesses whose last cosignature reaches the final size: those
    // that cosigned the final checkpoint or one that extends it.
    health.final_size != null ? h("p", { id: "final-cosigned-by" }, t("final_cosigned_by"), " ",
      ...list.filter((w) => w.cosigned_size != null && w.cosigned_size >= health.final_size)
        .flatMap((w, i) => [i ? ", " : "", data("span", { class: "mono" }, w.name)])) : null,
    h("div", { class: "table-wrap" }, h("table", null,
      h("thead", null, h("tr", null, ...["col_witness", "col_cosigned", "col_behind"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", null, ...list.map((w) => h("tr", { "data-witness": w.name },
        data("th", { scope: "row", class: "mono" }, w.name),
        h("td", null, w.cosigned_size == null ? "—" : num(w.cosigned_size)),
        h("td", { class: w.behind_entries ? "error" : "ok" }, w.behind_entries
          ? [t("witness_behind", { n: w.behind_entries }), w.last_error ? [" — ", data("span", null, w.last_error)] : null]
          : t("witness_current"))))))));
}
function failure(e) {
  if (e instanceof VerifyError) return new Error(t("verify_error_" + e.code, { key: e.detail || "" }));
  return e;
}
export async function show(_name, _arg, params) {
  setView(t("record_title"), h("p", null, t("loading")));
  let checkpoint, mechanism, health;
  try {
    // A mirror that stopped on evidence answers /healthz with 503 and says why.
    [checkpoint, mechanism, health] = await Promise.all([api("/api/v1/checkpoint"), api("/api/v1/mechanism"),
      api("/healthz").catch((e) => e.body || {})]);
  } catch (e) { setView(t("record_title"), errorBox(e)); return; }
  const position = h("input", { type: "number", id: "verify-position", min: "0", max: String(checkpoint.size - 1),
    value: params.get("entry") || String(checkpoint.size - 1), required: true });
  const result = h("div", { id: "verify-result", "aria-live": "polite" });
  const witnesses = h("div", { id: "witness-status" }, witnessTable(mechanism.witnesses.map((w) => ({ party: w.party, name: w.verifier_key.split("+")[0] }))));
  const form = h("form", { class: "filters", id: "verify-form" },
    h("label", { for: "verify-position" }, t("entry_position"), position),
    h("button", { type: "submit", id: "verify-button" }, t("verify")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    result.textContent = t("loading");
    result.className = "";
    delete result.dataset.verified;
    try {
      const n = Number(position.value);
      const signed = await verifyCheckpoint(checkpoint, mechanism).catch((err) => { throw failure(err); });
      witnesses.replaceChildren(witnessTable(signed.witnesses));
      const checks = [
        checkLine("check-signature", signed.signature, signed.signature ? t("signature_ok", { key: mechanism.node_key.split("+")[0] }) : t("signature_bad")),
        checkLine("check-quorum", signed.quorumMet, t(signed.quorumMet ? "quorum_met" : "quorum_not_met", { n: signed.cosigned, total: signed.witnesses.length, quorum: signed.quorum })),
      ];
      let included = false;
      if (signed.signature) {
        const proof = await api("/api/v1/proof/inclusion/" + n + "?size=" + checkpoint.size);
        const outcome = await verifyInclusion(n, proof, checkpoint, signed.note).catch((err) => { throw failure(err); });
        included = outcome.ok;
        checks.push(checkLine("check-inclusion", outcome.ok, outcome.ok
          ? t("verify_ok", { n, size: checkpoint.size, root: checkpoint.root })
          : t("verify_bad", { computed: outcome.computed, root: checkpoint.root })));
      } else {
        checks.push(checkLine("check-inclusion", false, t("inclusion_skipped")));
      }
      // Verified: the node signed this checkpoint and the entry is in it.
      // Final once a quorum of witnesses cosigned it too; the newest
      // checkpoint may still await them, and the page says so.
      const ok = signed.signature && included;
      const summary = !ok ? "not_verified_summary" : signed.quorumMet ? "verified_summary" : "verified_not_final_summary";
      result.className = ok ? (signed.quorumMet ? "ok" : "warn") : "error";
      result.replaceChildren(h("p", null, h("strong", null, t(summary))), h("ul", { class: "checks" }, ...checks));
      result.dataset.verified = String(ok);
      result.dataset.quorum = String(signed.quorumMet);
    } catch (err) { result.replaceChildren(errorBox(err)); result.dataset.verified = "false"; }
  });
  setView(t("record_title"),
    mirrorStatus(health && health.mirror),
    witnessServices(health),
    h("h2", null, t("checkpoint")),
    h("dl", null, h("dt", null, t("size")), h("dd", { id: "checkpoint-size" }, num(checkpoint.size)),
      h("dt", null, t("root")), data("dd", { class: "mono" }, checkpoint.root),
      h("dt", null, t("node_key")), data("dd", { class: "mono", id: "node-key" }, mechanism.node_key)),
    data("pre", { tabindex: "0", id: "checkpoint-note", dir: "ltr" }, checkpoint.note),
    h("h2", null, t("cosignatures")),
    h("p", { id: "quorum" }, t("quorum_rule", { quorum: mechanism.witness_quorum, total: mechanism.witnesses.length })),
    checkpoint.cosignatures.length ? h("ul", { id: "cosignatures" }, ...checkpoint.cosignatures.map((c) => data("li", { class: "mono", dir: "ltr" }, c))) : h("p", null, t("no_cosignatures")),
    witnesses,
    h("h2", null, t("verify_title")), h("p", null, t("verify_help_full")), form, result);
}
