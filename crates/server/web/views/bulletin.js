// The bulletin of a day as the node writes it, and the reported
// violations per day and governorate over the days before it (one request
// for the whole series).
import { t, shortDate, num, lang } from "../i18n.js";
import { h, data, setView, errorBox, main, uplot } from "../dom.js";
import { api, session } from "../api.js";
import { latestDay, daysBefore, govName } from "../shared.js";

const PALETTE = ["#0b5394", "#b3261e", "#1e6b34", "#8a5a00", "#6a1b9a", "#00695c", "#4e342e", "#37474f", "#ad1457", "#283593", "#558b2f", "#ef6c00", "#546e7a", "#5d4037"];

export async function show(_name, _arg, params) {
  const latest = await latestDay();
  const day = h("input", { type: "date", id: "bulletin-day", value: params.get("date") || latest });
  const edition = h("select", { id: "bulletin-edition" },
    h("option", { value: "public" }, t("edition_public")),
    session.access !== "public" ? h("option", { value: "internal", selected: params.get("edition") === "internal" }, t("edition_internal")) : null);
  const span = h("input", { type: "number", id: "bulletin-days", min: "1", max: "90", value: params.get("days") || "14" });
  const form = h("form", { class: "filters", id: "bulletin-filters" },
    h("label", { for: "bulletin-day" }, t("bulletin_day"), day),
    h("label", { for: "bulletin-edition" }, t("bulletin_edition"), edition),
    h("label", { for: "bulletin-days" }, t("chart_days"), span),
    h("button", { type: "submit" }, t("apply")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = "#/bulletin?" + new URLSearchParams({ date: day.value, edition: edition.value, days: span.value });
  });
  // The bulletin's text is the node's own, written in the page's language;
  // the names and narratives in it stay as the Record has them.
  const text = data("pre", { id: "bulletin-text", tabindex: "0", dir: "auto" }, t("loading"));
  // A figure, not an image: its legend holds buttons that toggle series.
  const chart = h("div", { id: "bulletin-chart", role: "figure", "aria-label": t("bulletin_chart") });
  const table = h("details", null, h("summary", null, t("chart_table")));
  setView(t("bulletin_title"), form, h("h2", null, t("bulletin_text")), text, h("h2", null, t("bulletin_chart")), chart, table);
  const n = Math.max(1, Math.min(90, Number(span.value) || 14));
  const from = daysBefore(day.value, n - 1);
  const [body, series, uPlot] = await Promise.all([
    api("/api/v1/bulletin?" + new URLSearchParams({ date: day.value, edition: edition.value, format: "text", lang })).catch((e) => e),
    api("/api/v1/bulletin/series?" + new URLSearchParams({ from, to: day.value })),
    uplot(),
  ]);
  if (body instanceof Error) text.replaceWith(errorBox(body)); else text.textContent = body;
  const rows = series.governorates.map((g) => ({ name: govName(g.code, g.name), counts: g.counts }))
    .sort((a, b) => a.name.localeCompare(b.name));
  table.append(h("div", { class: "table-wrap" }, h("table", { id: "bulletin-table" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("col_governorate")), ...series.days.map((d) => h("th", { scope: "col" }, shortDate(d))))),
    h("tbody", null, ...rows.map((row) => h("tr", null, h("th", { scope: "row" }, row.name), ...row.counts.map((c) => h("td", null, num(c)))))))));
  const xs = series.days.map((d) => Date.parse(d + "T00:00:00Z") / 1000);
  const width = Math.max(280, Math.min(1100, main.clientWidth - 8));
  new uPlot({
    width, height: 300,
    series: [{ label: t("col_date"), value: (u, v) => (v == null ? "—" : shortDate(new Date(v * 1000).toISOString().slice(0, 10))) },
      ...rows.map((row, i) => ({ label: row.name, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true }, value: (u, v) => (v == null ? "—" : num(v)) }))],
    axes: [{ values: (u, splits) => splits.map((v) => shortDate(new Date(v * 1000).toISOString().slice(0, 10))) },
      { label: t("reports"), values: (u, splits) => splits.map((v) => num(v)) }],
    scales: { x: { time: true } },
  }, [xs, ...rows.map((row) => row.counts)], chart);
  // The legend's entries toggle series: reachable by the keyboard too.
  for (const item of chart.querySelectorAll(".u-legend tr.u-series")) {
    if (item === chart.querySelector(".u-legend tr.u-series")) continue;
    item.setAttribute("tabindex", "0");
    item.setAttribute("role", "button");
    item.addEventListener("keydown", (e) => { if (e.key === " " || e.key === "Enter") { e.preventDefault(); item.click(); } });
  }
  chart.dataset.series = String(rows.length);
}
