// Review of ingested texts. Drafts are never filed on their own: a member
// reads the text with the evidence of each field marked, then files a
// report from it.
import { t, date, num, label } from "../i18n.js";
import { h, data, setView, errorBox } from "../dom.js";
import { api, session } from "../api.js";

// Reads the server's `[[text|field]]` markers, which may nest, into <mark>s.
function markedText(rendered) {
  const out = h("div", { class: "draft-text", id: "draft-text", tabindex: "0", translate: "no" });
  const stack = [out];
  const closing = /^\|([A-Za-z0-9_.:-]+)\]\]/;
  let text = "";
  const flush = () => { if (text) { stack[stack.length - 1].append(document.createTextNode(text)); text = ""; } };
  for (let i = 0; i < rendered.length;) {
    const close = stack.length > 1 ? closing.exec(rendered.slice(i, i + 80)) : null;
    if (rendered.startsWith("[[", i)) {
      flush();
      const mark = h("mark");
      stack[stack.length - 1].append(mark);
      stack.push(mark);
      i += 2;
    } else if (close) {
      flush();
      const mark = stack.pop();
      mark.dataset.field = close[1];
      mark.title = close[1];
      mark.append(h("span", { class: "visually-hidden" }, " (" + close[1] + ")"));
      i += close[0].length;
    } else {
      text += rendered[i];
      i += 1;
    }
  }
  flush();
  return out;
}
// A candidate as a short list of its fields, each named in the page's language.
function candidateSummary(candidate) {
  const head = [h("strong", null, t("candidate_" + candidate.kind) + " "), t("confidence", { value: num(Number(candidate.confidence).toFixed(2)) })];
  if (candidate.kind === "bulletin_count") {
    const places = (candidate.by_governorate || []).map((g) => g.name + " " + g.count).join(", ");
    const period = candidate.period ? date(candidate.period.start) + " – " + date(candidate.period.end) : "";
    return h("li", { "data-kind": candidate.kind }, ...head, " — ",
      t("bulletin_candidate", { total: candidate.total, period }),
      " ", data("span", null, candidate.side + ": " + places));
  }
  const fields = Object.entries(candidate).filter(([k]) => !["kind", "evidence", "confidence"].includes(k));
  return h("li", { "data-kind": candidate.kind }, ...head,
    h("dl", { class: "candidate" }, ...fields.flatMap(([k, v]) => [
      h("dt", null, label("candidate_field", k)),
      data("dd", null, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))])));
}
export async function show(_name, id) {
  if (session.access === "public") {
    setView(t("review_title"), h("p", { id: "review-need-token" }, t("review_need_token")));
    return;
  }
  if (id) {
    const draft = await api("/api/v1/drafts/" + encodeURIComponent(id));
    setView(t("draft_title", { id: draft.id }),
      h("p", null, t("draft_meta", { language: draft.language, published: draft.published ? date(draft.published) : "—" }), " ", data("span", null, draft.origin)),
      h("h2", null, t("draft_evidence")), markedText(draft.rendered),
      h("h2", null, t("draft_candidates")), h("ul", { id: "draft-candidates" }, ...draft.candidates.map(candidateSummary)),
      h("p", null, t("draft_next")));
    return;
  }
  const text = h("textarea", { id: "ingest-text", rows: "6", "aria-describedby": "ingest-help" });
  const published = h("input", { type: "date", id: "ingest-published" });
  const result = h("div", { id: "ingest-result", "aria-live": "polite" });
  const form = h("form", { id: "ingest-form" },
    h("label", { for: "ingest-text" }, t("ingest_text"), text, h("small", { id: "ingest-help" }, t("ingest_help"))),
    h("label", { for: "ingest-published" }, t("ingest_published"), published),
    h("button", { type: "submit" }, t("ingest_submit")), result);
  const list = h("div", { id: "draft-list" });
  setView(t("review_title"), form, h("h2", null, t("review_queue")), list);
  async function refresh() {
    // The newest page first: the queue is paged, oldest first.
    const first = await api("/api/v1/drafts?limit=1");
    const offset = Math.max(0, first.total - 100);
    const drafts = (await api("/api/v1/drafts?limit=100&offset=" + offset)).items.reverse();
    list.replaceChildren(drafts.length === 0 ? h("p", null, t("none")) : h("ul", null, ...drafts.map((d) => h("li", null,
      h("a", { href: "#/review/" + d.id }, t("draft_title", { id: d.id })),
      " — ", data("span", null, d.origin), ", " + t("draft_count", { n: d.candidates })))));
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!text.value.trim()) { result.replaceChildren(h("p", { class: "error", role: "alert" }, t("ingest_empty"))); text.focus(); return; }
    try {
      const query = published.value ? "?published=" + published.value : "";
      const drafts = await api("/api/v1/ingest" + query, { method: "POST", text: text.value });
      result.replaceChildren(h("p", { class: "ok", id: "ingested" }, t("ingested", { n: drafts.length })));
      await refresh();
    } catch (err) { result.replaceChildren(errorBox(err)); }
  });
  await refresh();
}
