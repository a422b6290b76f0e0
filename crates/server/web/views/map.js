// The map of incidents. The server clusters: each view (bounding box,
// zoom, filters) is asked for on its own, and the answer is a few hundred
// points whatever the number of incidents. Numbered points are groups; a
// click zooms to them.
import { t, label, num, date } from "../i18n.js";
import { h, setView, errorBox, announce, leaflet } from "../dom.js";
import { api, session } from "../api.js";
import { admin1, boundaryLayer, localizeZoom, latestDay, daysBefore, isoDay, vocabulary, findingCode, FINDINGS, govName } from "../shared.js";

let mapInstance = null;
window.truceLeaveMap = () => { if (mapInstance) { mapInstance.remove(); mapInstance = null; } };

function select(id, options) {
  return h("select", { id }, h("option", { value: "" }, t("any")),
    ...options.map(([value, text]) => h("option", { value }, text)));
}
async function filterOptions() {
  const [formations, mechanism] = await Promise.all([
    api("/api/v1/formations?limit=1000").then((p) => p.items).catch(() => []),
    // Filtering by the filing party needs a token, as the party does.
    session.access === "public" ? null : api("/api/v1/mechanism").catch(() => null),
  ]);
  return { formations, guarantors: mechanism ? mechanism.guarantors : [] };
}
function viewBoundingBox(map) {
  // A margin around the view, so that a short pan needs no new points
  // at its edges; the server widens the box to whole cells.
  const b = map.getBounds().pad(0.25);
  const clamp = (v, limit) => Math.max(-limit, Math.min(limit, v));
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)]
    .map((v) => v.toFixed(4)).join(",");
}
// A click, or Enter or Space on a marker that has the keyboard focus
// (Leaflet passes keys on as the marker's keypress, not as a click).
function onActivate(marker, action) {
  marker.on("click", action);
  marker.on("add", () => {
    const el = marker.getElement();
    if (el) el.addEventListener("keydown", (e) => { if (e.key === " " || e.key === "Enter") { e.preventDefault(); action(); } });
  });
}
function clusterMarker(L, map, feature) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const code = findingCode(p.finding);
  // The breakdown by finding, for those who cannot tell the marks apart.
  const breakdown = Object.entries(p.findings || {}).filter(([, n]) => n > 0)
    .map(([f, n]) => label("finding", findingCode(f)) + " " + num(n)).join(", ");
  const text = t("cluster_label", { count: p.count, from: date(p.from), to: date(p.to) }) + " — " +
    (breakdown || t("cluster_finding", { finding: label("finding", code) }));
  const size = Math.min(56, 24 + Math.round(Math.log10(p.count) * 10));
  const marker = L.marker([lat, lon], {
    title: text, alt: text, keyboard: true,
    icon: L.divIcon({ className: "cluster-icon " + (FINDINGS[code] || {}).cls, html: num(p.count), iconSize: [size, size] }),
  });
  marker.on("add", () => {
    const el = marker.getElement();
    if (!el) return;
    el.style.lineHeight = size - 6 + "px";
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", text);
    el.dataset.count = String(p.count);
  });
  onActivate(marker, () => zoomToCluster(L, map, feature));
  return marker;
}
// Zooms to a cluster's incidents (the bounds the server gives it).
function zoomToCluster(L, map, feature) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  {
    const [west, south, east, north] = p.bounds || [lon, lat, lon, lat];
    const before = map.getZoom();
    const target = map.getBoundsZoom([[south, west], [north, east]], false, L.point(40, 40));
    // Incidents at one spot cannot be split by zooming to their bounds:
    // zoom in by steps until the server shows them one by one.
    if (Math.min(target, 18) <= before) map.setView([lat, lon], Math.min(before + 2, 18));
    else map.fitBounds([[south, west], [north, east]], { padding: [40, 40], maxZoom: 18 });
  }
}
// The same view as a table, for keyboards and screen readers: each incident
// with a link, each cluster with a button that zooms to it.
function viewTable(L, map, features) {
  const rows = features.map((feature) => {
    const p = feature.properties;
    if (p.cluster) {
      const button = h("button", { type: "button", class: "secondary zoom-cluster" }, t("map_zoom_cluster"));
      button.addEventListener("click", () => zoomToCluster(L, map, feature));
      const breakdown = Object.entries(p.findings || {}).filter(([, n]) => n > 0)
        .map(([f, n]) => label("finding", findingCode(f)) + " " + num(n)).join(", ");
      return h("tr", { "data-cluster": String(p.count) },
        h("td", null, t("cluster_label", { count: p.count, from: date(p.from), to: date(p.to) })),
        h("td", { colspan: "3" }, breakdown || label("finding", findingCode(p.finding))), h("td", null, button));
    }
    const id = String(p.incident).replace(/^[A-Za-z]-?/, "");
    return h("tr", { "data-incident": id },
      h("td", null, h("a", { href: "#/incident/" + id }, p.incident), " ", date(p.date)),
      h("td", null, label("type", p.type)), h("td", null, govName(p.governorate, p.governorate)),
      h("td", null, label("finding", findingCode(p.finding))), h("td", null, "—"));
  });
  return h("table", { id: "map-table" },
    h("thead", null, h("tr", null, ...["col_incident", "col_type", "col_governorate", "col_finding", "map_col_zoom"]
      .map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, ...rows));
}
function incidentMarker(L, feature) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const id = String(p.incident).replace(/^[A-Za-z]-?/, "");
  const code = findingCode(p.finding);
  const text = t("open_incident", { id: p.incident }) + " — " +
    [date(p.date), label("type", p.type), govName(p.governorate, p.governorate), label("finding", code)].join(", ");
  const marker = L.marker([lat, lon], {
    title: text, alt: text, keyboard: true,
    icon: L.divIcon({ className: "incident-dot " + (FINDINGS[code] || {}).cls, html: "", iconSize: [16, 16] }),
  });
  marker.on("add", () => {
    const el = marker.getElement();
    if (!el) return;
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", text);
    el.dataset.incident = id;
    el.dataset.type = p.type;
  });
  onActivate(marker, () => { location.hash = "#/incident/" + id; });
  return marker;
}

export async function show() {
  const started = performance.now();
  const [L, latest, options, vocab] = await Promise.all([leaflet(), latestDay(), filterOptions(), vocabulary()]);
  const from = h("input", { type: "date", id: "map-from", value: daysBefore(latest, 27) });
  const to = h("input", { type: "date", id: "map-to", value: latest });
  const type = select("map-type", vocab.violation_types.map((ty) => [ty, label("type", ty)]));
  const formation = select("map-formation", options.formations.map((f) => [f.id, f.name]));
  const party = options.guarantors.length ? select("map-party", options.guarantors.map((g) => [g, g])) : null;
  const form = h("form", { class: "filters", id: "map-filters" },
    h("label", { for: "map-from" }, t("from"), from),
    h("label", { for: "map-to" }, t("to"), to),
    h("label", { for: "map-type" }, t("filter_type"), type),
    h("label", { for: "map-formation" }, t("formation"), formation),
    party ? h("label", { for: "map-party" }, t("filter_guarantor"), party) : null,
    h("button", { type: "submit" }, t("apply")));
  const legend = h("ul", { class: "legend", "aria-label": t("map_legend") },
    ...vocab.findings.map((code) => h("li", null, h("span", { class: "swatch " + (FINDINGS[code] || {}).cls, "aria-hidden": "true" }), label("finding", code))),
    h("li", null, h("span", { class: "swatch zone", "aria-hidden": "true" }), t("legend_zone")),
    h("li", { id: "legend-not-observed", hidden: true }, h("span", { class: "swatch not-observed", "aria-hidden": "true" }), t("legend_not_observed")));
  const count = h("p", { id: "map-count", "aria-live": "polite" });
  const mapDiv = h("div", { id: "map", role: "region", "aria-label": t("map_title"), tabindex: "-1" });
  const tableHolder = h("div", { class: "table-wrap" });
  const table = h("details", { id: "map-table-view" }, h("summary", null, t("map_table")), tableHolder);
  const observation = h("p", { id: "map-not-observed", "aria-live": "polite" });
  setView(t("map_title"), h("p", null, t("map_help")), form, legend, mapDiv, count, observation, table);
  window.truceLeaveMap();
  const map = L.map(mapDiv, { zoomSnap: 1, attributionControl: false });
  mapInstance = map;
  localizeZoom(mapDiv);
  const boundaries = boundaryLayer(L, await admin1()).addTo(map);
  map.fitBounds(boundaries.getBounds());
  // Zones of the agreements in force today, under the incidents, in their
  // own colour (not a finding's).
  try {
    const zones = await api("/api/v1/zones.geojson?date=" + isoDay(new Date()));
    if (zones.features.length) {
      L.geoJSON(zones, {
        style: (f) => f.properties.kind === "separation_line"
          ? { color: "#5a3d99", weight: 3, dashArray: "6 4" }
          : { color: "#5a3d99", weight: 2, fillColor: "#5a3d99", fillOpacity: 0.08 },
        interactive: false,
      }).addTo(map);
      mapDiv.dataset.zones = String(zones.features.length);
    }
  } catch (e) { /* the map stands without zones */ }
  // Governorates no working asset could see on the last day shown, greyed
  // and hatched under the incidents: "not observed" is not "no violation".
  const unseen = L.layerGroup().addTo(map);
  const governorates = await admin1();
  async function loadCoverage() {
    let coverage;
    try { coverage = await api("/api/v1/coverage?day=" + encodeURIComponent(to.value)); } catch (e) { return; }
    unseen.clearLayers();
    const codes = new Set(coverage.governorates.filter((g) => g.state === "not_observed").map((g) => g.code));
    legend.querySelector("#legend-not-observed").hidden = !coverage.tracked;
    if (!coverage.tracked) { observation.textContent = ""; return; }
    const features = governorates.features.filter((f) => codes.has(f.properties.code));
    L.geoJSON({ type: "FeatureCollection", features }, {
      style: { color: "#555", weight: 1, fillColor: "#6b6b6b", fillOpacity: 0.45, dashArray: "4 4", className: "not-observed" },
      interactive: false,
    }).addTo(unseen);
    mapDiv.dataset.notObserved = String(features.length);
    const names = coverage.governorates.filter((g) => codes.has(g.code)).map((g) => govName(g.code, g.name));
    observation.replaceChildren(names.length
      ? t("map_not_observed", { day: date(coverage.day), names: names.join(", ") })
      : t("map_all_observed", { day: date(coverage.day) }));
  }
  const markers = L.layerGroup().addTo(map);
  let generation = 0;
  let inFlight = null;
  let loads = 0;
  async function load() {
    const mine = ++generation;
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const query = new URLSearchParams({ cluster: "true", zoom: String(map.getZoom()), bbox: viewBoundingBox(map), from: from.value, to: to.value });
    if (type.value) query.set("type", type.value);
    if (formation.value) query.set("formation", formation.value);
    if (party && party.value) query.set("party", party.value);
    const asked = performance.now();
    mapDiv.setAttribute("aria-busy", "true");
    let collection;
    try { collection = await api("/api/v1/incidents.geojson?" + query, { signal: inFlight.signal }); } catch (e) {
      if (e.name === "AbortError") return;
      mapDiv.removeAttribute("aria-busy");
      count.replaceChildren(errorBox(e)); return;
    }
    if (mine !== generation) return;
    // A marker that had the focus is redrawn: the focus goes back to the map.
    const hadFocus = mapDiv.contains(document.activeElement) && document.activeElement.classList.contains("leaflet-marker-icon");
    markers.clearLayers();
    for (const feature of collection.features) {
      markers.addLayer(feature.properties.cluster ? clusterMarker(L, map, feature) : incidentMarker(L, feature));
    }
    if (hadFocus) mapDiv.focus({ preventScroll: true });
    mapDiv.removeAttribute("aria-busy");
    count.textContent = t("map_count_view", { n: collection.incidents });
    tableHolder.replaceChildren(viewTable(L, map, collection.features));
    // For the browser tests: how many views were drawn, and how long the last took.
    mapDiv.dataset.loads = String(++loads);
    mapDiv.dataset.viewMs = String(Math.round(performance.now() - asked));
    if (loads === 1) {
      const ms = Math.round(performance.now() - started);
      document.body.dataset.mapLoadedMs = String(ms);
      mapDiv.dataset.loaded = "true";
      announce(t("map_loaded", { ms }));
    }
  }
  let timer = null;
  // moveend also follows every zoom; wait for the map to settle.
  map.on("moveend", () => { clearTimeout(timer); timer = setTimeout(load, 150); });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); load(); loadCoverage(); });
  await Promise.all([load(), loadCoverage()]);
}
