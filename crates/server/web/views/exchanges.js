// Exchanges: counts and statuses only. The node cannot read identities,
// which are sealed to the intermediary and the submitting side.
import { t, date, num, label } from "../i18n.js";
import { h, data, setView } from "../dom.js";
import { api, session } from "../api.js";

const PERSON_STATUS = { released: "status_released", cleared: "status_cleared", not_cleared: "status_not_cleared", awaiting_interview: "status_awaiting" };
export async function show() {
  if (session.access === "public") {
    setView(t("exchanges_title"), h("p", { id: "exchanges-need-token" }, t("exchanges_need_token")));
    return;
  }
  const [lists, projects] = await Promise.all([api("/api/v1/exchange/lists"), api("/api/v1/exchange/projects")]);
  const listTable = lists.length === 0 ? h("p", null, t("none")) : h("div", { class: "table-wrap" }, h("table", { id: "exchange-lists" },
    h("thead", null, h("tr", null, ...["col_list", "col_direction", "col_party", "col_persons", "col_categories", "col_vulnerable"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, ...lists.map((l) => h("tr", null,
      h("th", { scope: "row" }, l.name), h("td", null, t("direction_" + l.direction)), data("td", null, l.party), h("td", null, num(l.persons)),
      h("td", null, Object.entries(l.categories).filter(([, n]) => n > 0).map(([c, n]) => `${t("category_" + c)} ${num(n)}`).join(", ")),
      h("td", null, t("vulnerable_counts", l.vulnerable)))))));
  const projectSections = projects.map((p) => h("section", { class: "exchange-project" },
    h("h3", null, t("project_heading", { number: p.number, date: date(p.date), status: label("status", p.status) }), " ", data("span", null, p.place)),
    h("p", null, t("project_released", { released: p.released, total: p.persons.length })),
    h("div", { class: "table-wrap" }, h("table", null,
      h("thead", null, h("tr", null, ...["col_person", "col_held_by", "col_category", "col_status"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", null, ...p.persons.map((x) => h("tr", null,
        h("th", { scope: "row" }, x.person), data("td", null, x.held_by), h("td", null, t("category_" + x.category)),
        h("td", { "data-status": x.status }, t(PERSON_STATUS[x.status] || x.status)))))))));
  setView(t("exchanges_title"), h("p", null, t("exchanges_help")),
    h("h2", null, t("exchange_lists")), listTable,
    h("h2", null, t("exchange_projects")), ...(projectSections.length ? projectSections : [h("p", null, t("none"))]));
}
