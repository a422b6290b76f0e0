// What the Record admits, as it happens: the node's live stream
// (/api/v1/events, server-sent events) read with fetch, since EventSource
// cannot send the reader's token. Each event that concerns the member's
// party becomes a notice with a link to what it is about, and the counts
// of what awaits the party are fetched again. A lost stream is taken up
// again after the last event seen, so nothing is missed.
import { t } from "./i18n.js";
import { h } from "./dom.js";
import { token, session } from "./api.js";

const KEPT = 5;
let running = null;
// The position of the last event seen, where a new stream takes up.
let lastSeen = null;

function link(subject) {
  if (!subject) return null;
  const match = /^([RDQVA])-(\d+)$/.exec(subject);
  if (!match) return null;
  if (match[1] === "A") return "#/access";
  return { R: "#/incident/", D: "#/decision/", Q: "#/requests?", V: "#/case/" }[match[1]] + (match[1] === "Q" ? "" : match[2]);
}

function describe(event) {
  const known = ["report_filed", "report_amended", "report_withdrawn", "assessment",
    "decision_proposed", "decision_vote", "decision_adopted", "decision_rejected", "request_made", "request_answered",
    "case_opened", "case_tasked", "case_visited", "case_position", "case_closed", "access_restricted", "asset_status"];
  const key = known.includes(event.kind) ? "live_" + event.kind : "live_other";
  return t(key, { subject: event.subject || "", party: event.party, kind: event.kind.replaceAll("_", " ") });
}

function panel() {
  let box = document.getElementById("live");
  if (!box) {
    box = h("aside", { id: "live", class: "live", "aria-label": t("live_label") },
      h("h2", { class: "visually-hidden" }, t("live_label")),
      h("ul", { id: "live-list", "aria-live": "polite", "aria-relevant": "additions" }));
    document.body.append(box);
  }
  return box;
}

function notice(event) {
  const list = panel().querySelector("#live-list");
  const href = link(event.subject);
  const text = describe(event);
  const dismiss = h("button", { type: "button", class: "live-dismiss", "aria-label": t("live_dismiss") }, "×");
  const item = h("li", { "data-position": event.position, "data-kind": event.kind },
    href ? h("a", { href }, text) : h("span", null, text), " ", dismiss);
  dismiss.addEventListener("click", () => item.remove());
  list.prepend(item);
  while (list.children.length > KEPT) list.lastElementChild.remove();
}

// Reads one SSE stream until it ends.
async function follow(signal) {
  const headers = { Authorization: "Bearer " + token(), Accept: "text/event-stream" };
  if (lastSeen !== null) headers["Last-Event-ID"] = String(lastSeen);
  const response = await fetch("/api/v1/events", { headers, signal });
  if (!response.ok) throw Object.assign(new Error(response.statusText), { status: response.status });
  document.documentElement.dataset.live = "on";
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += value;
    let end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("data:")) data += line.slice(5).trimStart();
        else if (line.startsWith("id:")) lastSeen = Number(line.slice(3).trim());
      }
      if (!data) continue;
      const event = JSON.parse(data);
      notice(event);
      window.dispatchEvent(new CustomEvent("truce:counts"));
      window.dispatchEvent(new CustomEvent("truce:event", { detail: event }));
    }
  }
}

// Follows the stream while a member is signed in; stops on sign-out.
export function startLive() {
  if (running) running.abort();
  running = null;
  document.documentElement.dataset.live = "off";
  if (!token() || !session.member || session.access === "public") return;
  const control = new AbortController();
  running = control;
  (async () => {
    let wait = 1000;
    while (!control.signal.aborted) {
      try {
        await follow(control.signal);
        wait = 1000;
      } catch (e) {
        if (control.signal.aborted || e.status === 401 || e.status === 403) return;
      }
      document.documentElement.dataset.live = "off";
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 30000);
    }
  })();
}
