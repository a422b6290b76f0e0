// The truce web interface: plain JavaScript over the node's JSON API.
// Views are chosen by the URL fragment (#/map, #/register, #/incident/12,
// #/bulletin, #/record, #/login, #/file). Nothing is loaded from outside
// this node. Signing happens here, with a non-extractable WebCrypto
// Ed25519 key kept in IndexedDB; the server only formats and verifies.
"use strict";

(function () {
  // ---------- text ----------
  const tables = window.TRUCE_I18N;
  const wanted = new URLSearchParams(location.search).get("lang") ||
    (navigator.language || "en").slice(0, 2);
  const lang = tables[wanted] ? wanted : "en";
  const strings = Object.assign({}, tables.en, tables[lang]);
  function t(key, vars) {
    let text = strings[key] !== undefined ? strings[key] : key;
    for (const [k, v] of Object.entries(vars || {})) text = text.split("{" + k + "}").join(String(v));
    return text;
  }
  document.documentElement.lang = lang;
  document.documentElement.dir = strings.dir || "ltr";

  // ---------- DOM helpers ----------
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  const main = document.getElementById("main");
  function announce(text) { document.getElementById("status").textContent = text; }
  function setView(title, ...children) {
    main.replaceChildren(h("h1", { id: "view-title" }, title), ...children);
    document.title = title + " — " + t("app_name");
  }
  function errorText(e) {
    if (e && e.body && e.body.error) {
      return e.body.field ? t("field_error", { field: e.body.field, message: e.body.error }) : e.body.error;
    }
    return String(e && e.message ? e.message : e);
  }
  function errorBox(e) { return h("p", { class: "error", role: "alert" }, t("error", { message: errorText(e) })); }

  // ---------- API ----------
  const TOKEN_KEY = "truce.token";
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  async function api(path, options) {
    const opts = options || {};
    const headers = {};
    const bearer = opts.token !== undefined ? opts.token : token();
    if (bearer) headers.Authorization = "Bearer " + bearer;
    if (opts.json !== undefined) headers["Content-Type"] = "application/json";
    if (opts.text !== undefined) headers["Content-Type"] = "text/plain; charset=utf-8";
    if (opts.bytes !== undefined) headers["Content-Type"] = opts.contentType || "application/octet-stream";
    const response = await fetch(path, {
      method: opts.method || "GET",
      signal: opts.signal,
      headers,
      body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.bytes !== undefined ? opts.bytes : opts.text,
    });
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) {
      const error = new Error(body && body.error ? body.error : response.statusText);
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return body;
  }

  // ---------- session ----------
  let session = { access: "public" };
  async function loadSession() {
    if (!token()) { session = { access: "public" }; return; }
    try { session = await api("/api/v1/whoami"); } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      session = { access: "public" };
    }
  }
  const ROUTES = [
    ["map", "nav_map"], ["register", "nav_register"], ["bulletin", "nav_bulletin"],
    ["regime", "nav_regime"], ["exchanges", "nav_exchanges"], ["review", "nav_review"], ["record", "nav_record"], ["file", "nav_file"], ["login", "nav_login"],
  ];
  function renderChrome(current) {
    document.getElementById("skip-link").textContent = t("skip");
    document.getElementById("brand").textContent = t("app_name");
    const nav = document.getElementById("nav");
    nav.replaceChildren(...ROUTES.map(([route, key]) => {
      const label = route === "login" && session.member ? t("nav_logout") : t(key);
      return h("a", { href: "#/" + route, "aria-current": current === route ? "page" : null }, label);
    }));
    document.getElementById("session").textContent = session.member
      ? t("session_as", { member: session.member, access: session.access })
      : t("session_public");
  }

  // ---------- shared data ----------
  let admin1Promise = null;
  function admin1() {
    if (!admin1Promise) admin1Promise = api("/api/v1/gazetteer/admin1.geojson");
    return admin1Promise;
  }
  const TYPES = ["shelling", "air_strike", "ground_assault", "small_arms", "ied",
    "forces_movement", "obstruction", "detention_abduction", "other"];
  const FINDING_CLASS = {
    "confirmed violation": ["finding-confirmed", "#b3261e", "finding_confirmed"],
    "not a violation": ["finding-not", "#1e6b34", "finding_not"],
    "unconfirmed": ["finding-unconfirmed", "#8a5a00", "finding_unconfirmed"],
  };
  function findingColour(label) { return (FINDING_CLASS[label] || [null, "#555"])[1]; }
  function findingLabel(value) {
    if (!value) return "";
    if (typeof value === "string") return value;
    return String(value.finding || "").replace(/_/g, " ");
  }
  function isoDay(date) { return date.toISOString().slice(0, 10); }
  function daysBefore(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - n);
    return isoDay(d);
  }
  async function latestDay() {
    try { const b = await api("/api/v1/bulletin"); return b.to; } catch (e) { return isoDay(new Date()); }
  }
  function boundaryLayer(geojson) {
    return L.geoJSON(geojson, {
      style: { color: "#0b2545", weight: 1, fillColor: "#ffffff", fillOpacity: 0.6 },
      interactive: false,
    });
  }

  // ---------- map ----------
  // The server clusters: each view (bounding box, zoom, filters) is asked
  // for on its own, and the answer is a few hundred points whatever the
  // number of incidents. Numbered points are groups; a click zooms to them.
  let mapInstance = null;
  function mapSelect(id, options) {
    return h("select", { id }, h("option", { value: "" }, t("any")),
      ...options.map(([value, label]) => h("option", { value }, label)));
  }
  async function mapFilterOptions() {
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
  // A click, or Enter on a marker that has the keyboard focus (Leaflet
  // passes the key on as the marker's keypress, not as a click).
  function onActivate(marker, action) {
    marker.on("click", action);
    marker.on("keypress", (e) => { if (e.originalEvent.key === "Enter") action(); });
  }
  function clusterMarker(map, feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const label = t("cluster_label", p);
    const size = Math.min(56, 24 + Math.round(Math.log10(p.count) * 10));
    const marker = L.marker([lat, lon], {
      title: label, alt: label, keyboard: true,
      icon: L.divIcon({ className: "cluster-icon", html: String(p.count), iconSize: [size, size] }),
    });
    marker.on("add", () => {
      const el = marker.getElement();
      if (!el) return;
      el.style.lineHeight = size - 4 + "px";
      el.style.borderColor = findingColour(p.finding);
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", label);
      el.dataset.count = String(p.count);
    });
    onActivate(marker, () => {
      const [west, south, east, north] = p.bounds || [lon, lat, lon, lat];
      const before = map.getZoom();
      const target = map.getBoundsZoom([[south, west], [north, east]], false, L.point(40, 40));
      // Incidents at one spot cannot be split by zooming to their bounds:
      // zoom in by steps until the server shows them one by one.
      if (Math.min(target, 18) <= before) map.setView([lat, lon], Math.min(before + 2, 18));
      else map.fitBounds([[south, west], [north, east]], { padding: [40, 40], maxZoom: 18 });
    });
    return marker;
  }
  function incidentMarker(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const id = String(p.incident).replace(/^[A-Za-z]-?/, "");
    const label = t("open_incident", { id: p.incident }) + " — " + [p.date, String(p.type).replace(/_/g, " "), p.governorate, p.finding].join(", ");
    const marker = L.marker([lat, lon], {
      title: label, alt: label, keyboard: true,
      icon: L.divIcon({ className: "incident-dot", html: "", iconSize: [14, 14] }),
    });
    marker.on("add", () => {
      const el = marker.getElement();
      if (!el) return;
      el.style.background = findingColour(p.finding);
      el.setAttribute("role", "link");
      el.setAttribute("aria-label", label);
      el.dataset.incident = id;
      el.dataset.type = p.type;
    });
    onActivate(marker, () => { location.hash = "#/incident/" + id; });
    return marker;
  }
  async function viewMap() {
    const started = performance.now();
    const [latest, options] = await Promise.all([latestDay(), mapFilterOptions()]);
    const from = h("input", { type: "date", id: "map-from", value: daysBefore(latest, 27) });
    const to = h("input", { type: "date", id: "map-to", value: latest });
    const type = mapSelect("map-type", TYPES.map((ty) => [ty, ty.replace(/_/g, " ")]));
    const formation = mapSelect("map-formation", options.formations.map((f) => [f.id, f.name]));
    const party = options.guarantors.length ? mapSelect("map-party", options.guarantors.map((g) => [g, g])) : null;
    const form = h("form", { class: "filters", id: "map-filters" },
      h("label", { for: "map-from" }, t("from"), from),
      h("label", { for: "map-to" }, t("to"), to),
      h("label", { for: "map-type" }, t("filter_type"), type),
      h("label", { for: "map-formation" }, t("formation"), formation),
      party ? h("label", { for: "map-party" }, t("filter_guarantor"), party) : null,
      h("button", { type: "submit" }, t("apply")));
    const legend = h("div", { class: "legend", "aria-label": t("map_legend") },
      ...Object.entries(FINDING_CLASS).map(([label, [, colour, key]]) =>
        h("span", null, h("span", { class: "swatch", style: "background:" + colour }), t(key))));
    const count = h("p", { id: "map-count", "aria-live": "polite" });
    const mapDiv = h("div", { id: "map", role: "region", "aria-label": t("map_title") });
    setView(t("map_title"), h("p", null, t("map_help")), form, legend, mapDiv, count);
    if (mapInstance) { mapInstance.remove(); mapInstance = null; }
    const map = L.map(mapDiv, { zoomSnap: 1, attributionControl: false });
    mapInstance = map;
    const boundaries = boundaryLayer(await admin1()).addTo(map);
    map.fitBounds(boundaries.getBounds());
    // Zones of the agreements in force today, under the incidents.
    try {
      const zones = await api("/api/v1/zones.geojson?date=" + isoDay(new Date()));
      if (zones.features.length) {
        L.geoJSON(zones, {
          style: (f) => f.properties.kind === "separation_line"
            ? { color: "#b3261e", weight: 3, dashArray: "6 4" }
            : { color: "#1e6b34", weight: 2, fillColor: "#1e6b34", fillOpacity: 0.08 },
          interactive: false,
        }).addTo(map);
        mapDiv.dataset.zones = String(zones.features.length);
      }
    } catch (e) { /* the map stands without zones */ }
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
      markers.clearLayers();
      for (const feature of collection.features) {
        markers.addLayer(feature.properties.cluster ? clusterMarker(map, feature) : incidentMarker(feature));
      }
      mapDiv.removeAttribute("aria-busy");
      count.textContent = t("map_count_view", { n: collection.incidents });
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
    form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); load(); });
    await load();
  }

  // ---------- register ----------
  function sortable(columns, rows, render) {
    // columns: [key, label, value(row)]
    let sortKey = null, ascending = true;
    const tbody = h("tbody");
    const headRow = h("tr");
    function draw() {
      const sorted = rows.slice();
      if (sortKey !== null) {
        const column = columns.find((c) => c[0] === sortKey);
        sorted.sort((a, b) => {
          const x = column[2](a), y = column[2](b);
          const r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? r : -r;
        });
      }
      tbody.replaceChildren(...sorted.map(render));
      for (const th of headRow.children) {
        th.setAttribute("aria-sort", th.dataset.key === sortKey ? (ascending ? "ascending" : "descending") : "none");
      }
    }
    for (const [key, label] of columns) {
      const button = h("button", { type: "button", "aria-label": t("sort_by", { column: label }),
        onclick: () => { ascending = sortKey === key ? !ascending : true; sortKey = key; draw(); } }, label);
      const th = h("th", { scope: "col" }, button);
      th.dataset.key = key;
      headRow.append(th);
    }
    draw();
    return h("div", { class: "table-wrap" }, h("table", null, h("thead", null, headRow), tbody));
  }
  function findingCell(label) {
    const cls = (FINDING_CLASS[label] || [""])[0];
    return h("td", { class: cls }, label || "—");
  }
  async function governorateSelect(id, value) {
    const geo = await admin1();
    const select = h("select", { id }, h("option", { value: "" }, t("any")));
    for (const f of geo.features) {
      select.append(h("option", { value: f.properties.code, selected: f.properties.code === value }, f.properties.name));
    }
    return select;
  }
  async function viewRegister(params) {
    const tab = params.get("tab") === "incidents" ? "incidents" : "reports";
    const latest = await latestDay();
    const from = h("input", { type: "date", id: "reg-from", value: params.get("from") || daysBefore(latest, 27) });
    const to = h("input", { type: "date", id: "reg-to", value: params.get("to") || latest });
    const gov = await governorateSelect("reg-governorate", params.get("governorate") || "");
    const type = h("select", { id: "reg-type" }, h("option", { value: "" }, t("any")),
      ...TYPES.map((ty) => h("option", { value: ty, selected: params.get("type") === ty }, ty.replace(/_/g, " "))));
    const offset = Number(params.get("offset") || 0);
    const form = h("form", { class: "filters", id: "register-filters" },
      h("label", { for: "reg-from" }, t("from"), from), h("label", { for: "reg-to" }, t("to"), to),
      h("label", { for: "reg-governorate" }, t("filter_governorate"), gov),
      h("label", { for: "reg-type" }, t("filter_type"), type),
      h("button", { type: "submit" }, t("apply")));
    function go(extra) {
      const q = new URLSearchParams({ tab, from: from.value, to: to.value, governorate: gov.value, type: type.value });
      for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
      location.hash = "#/register?" + q;
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); go(); });
    const tabs = h("div", { class: "row", role: "navigation", "aria-label": t("register_title") },
      h("a", { href: "#/register?tab=reports", "aria-current": tab === "reports" ? "page" : null }, t("reports")),
      h("a", { href: "#/register?tab=incidents", "aria-current": tab === "incidents" ? "page" : null }, t("incidents")));
    const results = h("div", { id: "register-results" }, t("loading"));
    setView(t("register_title"), tabs, form, results);
    const q = new URLSearchParams({ from: from.value, to: to.value, limit: "200", offset: String(offset) });
    if (gov.value) q.set("governorate", gov.value);
    if (type.value) q.set("type", type.value);
    let page;
    try {
      page = await api((tab === "reports" ? "/api/v1/reports?" : "/api/v1/incidents?") + q);
    } catch (e) {
      results.replaceChildren(e.status === 401 ? h("p", { class: "notice" }, t("incidents_need_token")) : errorBox(e));
      return;
    }
    let table;
    if (tab === "reports") {
      table = sortable([
        ["id", t("col_report"), (r) => r.id], ["date", t("col_date"), (r) => r.fields.occurred],
        ["gov", t("col_governorate"), (r) => r.governorate_name], ["type", t("col_type"), (r) => r.fields.type],
        ["place", t("col_place"), (r) => r.fields.location.place || ""], ["party", t("col_party"), (r) => r.party || ""],
        ["finding", t("col_finding"), (r) => r.finding || ""],
      ], page.items, (r) => h("tr", { "data-report": r.id },
        h("td", null, h("a", { href: "#/incident/" + (r.incident || r.id) }, r.name)),
        h("td", null, r.fields.occurred.replace("T", " ")), h("td", null, r.governorate_name),
        h("td", null, r.fields.type.replace(/_/g, " ")), h("td", null, r.fields.location.place || ""),
        h("td", null, r.party || "—"), findingCell(r.finding)));
    } else {
      table = sortable([
        ["id", t("col_incident"), (f) => f.incident], ["date", t("col_date"), (f) => f.date],
        ["gov", t("col_governorate"), (f) => f.governorate_name], ["type", t("col_type"), (f) => f.type],
        ["finding", t("col_finding"), (f) => findingLabel(f.finding)], ["reports", t("col_reports"), (f) => f.reports.length],
      ], page.items, (f) => h("tr", null,
        h("td", null, h("a", { href: "#/incident/" + f.incident }, "I-" + f.incident)), h("td", null, f.date),
        h("td", null, f.governorate_name), h("td", null, f.type.replace(/_/g, " ")),
        findingCell(findingLabel(f.finding)), h("td", null, f.reports.map((r) => "R-" + r).join(", "))));
    }
    const pager = h("div", { class: "row" },
      h("span", null, t("page_of", { from: page.total ? page.offset + 1 : 0, to: page.offset + page.items.length, total: page.total })),
      page.offset > 0 ? h("button", { type: "button", class: "secondary", onclick: () => go({ offset: Math.max(0, page.offset - page.limit) }) }, t("prev_page")) : null,
      page.next_offset !== null ? h("button", { type: "button", class: "secondary", onclick: () => go({ offset: page.next_offset }) }, t("next_page")) : null);
    results.replaceChildren(page.items.length ? table : h("p", null, t("none")), pager);
  }

  function statementLinks(positions) {
    return h("ul", null, ...positions.map((n) => h("li", null,
      h("a", { href: "/api/v1/proof/inclusion/" + n }, t("proof_link", { n })), " · ",
      h("a", { href: "#/record?entry=" + n }, t("verify_entry", { n })))));
  }
  function reportCard(r) {
    const f = r.fields;
    const actor = (a) => (a.formation ? a.formation : a.unknown || "—");
    return h("section", { class: "card", "aria-label": r.name },
      h("h2", null, r.name + (r.party ? " — " + r.party : "")),
      h("dl", null,
        h("dt", null, t("col_date")), h("dd", null, f.occurred.replace("T", " ") + " (" + f.time_precision + ")"),
        h("dt", null, t("col_place")), h("dd", null, (f.location.place ? f.location.place + ", " : "") + r.governorate_name + " (" + (f.location.place ? f.location.lat.toFixed(4) + ", " + f.location.lon.toFixed(4) : f.location.lat + ", " + f.location.lon) + ", " + f.location.precision + ")"),
        h("dt", null, t("col_type")), h("dd", null, f.type.replace(/_/g, " ")),
        r.zones && r.zones.length ? [h("dt", null, t("zones")), h("dd", { class: "zones" }, r.zones.join("; "))] : null,
        f.clause ? [h("dt", null, t("clause")), h("dd", null, f.clause)] : null,
        h("dt", null, t("perpetrator")), h("dd", null, actor(f.perpetrator)),
        h("dt", null, t("target")), h("dd", null, actor(f.target)),
        h("dt", null, t("casualties")), h("dd", null, (f.casualties || []).map((c) => c.best + " " + c.status + " " + c.outcome + " (" + c.low + "–" + c.high + ")").join("; ") || "—"),
        f.narrative !== undefined ? [h("dt", null, t("narrative")), h("dd", null, f.narrative)] : null,
        f.sources ? [h("dt", null, t("sources")), h("dd", null, f.sources.map((s) => s.description + " (" + s.kind.replace(/_/g, " ") + ")").join("; "))] : null,
        f.evidence && f.evidence.length ? [h("dt", null, t("evidence")), h("dd", null, h("ul", { class: "evidence" }, ...f.evidence.map(evidenceItem)))] : null));
  }
  // Files from the Record are saved, never opened in this page's origin
  // (an HTML or SVG file there could read the session's token): the bytes
  // go out as an opaque download, whatever type the file claims.
  function saveDownload(bytes, name) {
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
    const save = h("a", { href: url, download: name || "document" });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // An evidence file: its name, size and hash; the file needs the token, so
  // it is fetched rather than followed, and saved as a download.
  function evidenceItem(e) {
    const link = h("a", { href: "/api/v1/evidence/" + e.sha256, class: "evidence-link", "data-sha": e.sha256, download: e.description || e.sha256 },
      e.description || t("evidence_file"));
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        const response = await fetch(link.getAttribute("href"), { headers: { Authorization: "Bearer " + token() } });
        if (!response.ok) throw new Error((await response.json()).error);
        saveDownload(await response.arrayBuffer(), link.getAttribute("download"));
      } catch (err) { link.after(errorBox(err)); }
    });
    return h("li", null, link, " (" + e.media_type + ", " + t("bytes", { n: e.bytes }) + ") ",
      h("span", { class: "mono evidence-sha" }, "SHA-256 " + e.sha256));
  }
  async function viewIncident(id) {
    setView(t("incident_title", { id: "I-" + id }), h("p", null, t("loading")));
    let incident;
    try { incident = await api("/api/v1/incidents/" + encodeURIComponent(id)); } catch (e) {
      if (e.status !== 401 && e.status !== 403) { main.append(errorBox(e)); main.children[1].remove(); return; }
      try {
        const report = await api("/api/v1/reports/" + encodeURIComponent(id));
        setView(t("incident_title", { id: "I-" + (report.incident || id) }),
          h("p", { class: "notice" }, t("incidents_need_token")),
          h("p", null, t("col_finding") + ": ", h("strong", null, report.finding || "—")),
          h("div", { class: "side-by-side" }, reportCard(report)),
          h("h2", null, t("statement_positions")), statementLinks([report.id]));
      } catch (e2) { setView(t("incident_title", { id }), errorBox(e2)); }
      return;
    }
    const label = findingLabel(incident.finding);
    const positions = incident.positions || {};
    setView(t("incident_title", { id: "I-" + incident.incident }),
      h("p", null, t("col_finding") + ": ", h("strong", { class: (FINDING_CLASS[label] || [""])[0] }, label),
        " — " + t("col_rule") + ": " + incident.rule + " — " + incident.date + ", " + incident.governorate_name),
      h("h2", null, t("reports")),
      h("div", { class: "side-by-side", id: "reports-side-by-side" }, ...incident.report_details.map(reportCard)),
      h("h2", null, t("positions")),
      h("table", null, h("tbody", null, ...Object.entries(positions).map(([party, p]) => h("tr", null, h("th", { scope: "row" }, party), h("td", null, p.replace(/_/g, " ")))))),
      h("h2", null, t("assessments")),
      incident.assessments.length ? h("ul", null, ...incident.assessments.map((a) => h("li", null,
        h("strong", null, a.party), " (" + a.member + ", entry " + a.position + "): " + String(a.assessment.position).replace(/_/g, " ") +
        (a.assessment.reason ? " — " + t("reason") + ": " + a.assessment.reason : "")))) : h("p", null, t("none")),
      h("h2", null, t("statement_positions")),
      statementLinks([...incident.report_details.map((r) => r.id), ...incident.assessments.map((a) => a.position)]));
    main.append(await assessForm(incident.report_details[0] ? incident.report_details[0].id : id));
  }

  // ---------- bulletin ----------
  const PALETTE = ["#0b5394", "#b3261e", "#1e6b34", "#8a5a00", "#6a1b9a", "#00695c", "#4e342e", "#37474f", "#ad1457", "#283593", "#558b2f", "#ef6c00", "#546e7a", "#5d4037"];
  async function viewBulletin(params) {
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
    const text = h("pre", { id: "bulletin-text", tabindex: "0" }, t("loading"));
    const chart = h("div", { id: "bulletin-chart", role: "img", "aria-label": t("bulletin_chart") });
    const table = h("details", null, h("summary", null, t("chart_table")));
    setView(t("bulletin_title"), form, text, h("h2", null, t("bulletin_chart")), chart, table);
    try {
      text.textContent = await api("/api/v1/bulletin?" + new URLSearchParams({ date: day.value, edition: edition.value, format: "text" }));
    } catch (e) { text.replaceWith(errorBox(e)); }
    const n = Math.max(1, Math.min(90, Number(span.value) || 14));
    const days = [];
    for (let i = n - 1; i >= 0; i--) days.push(daysBefore(day.value, i));
    const bulletins = await Promise.all(days.map((d) => api("/api/v1/bulletin?date=" + d).catch(() => null)));
    const counts = new Map();
    bulletins.forEach((b, i) => {
      if (!b) return;
      for (const party of b.parties) for (const g of party.by_governorate) {
        if (!counts.has(g.name)) counts.set(g.name, new Array(n).fill(0));
        counts.get(g.name)[i] += g.count;
      }
    });
    const names = [...counts.keys()].sort();
    table.append(h("div", { class: "table-wrap" }, h("table", { id: "bulletin-table" },
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("col_governorate")), ...days.map((d) => h("th", { scope: "col" }, d.slice(5))))),
      h("tbody", null, ...names.map((name) => h("tr", null, h("th", { scope: "row" }, name), ...counts.get(name).map((c) => h("td", null, c))))))));
    const xs = days.map((d) => Date.parse(d + "T00:00:00Z") / 1000);
    const width = Math.max(280, Math.min(1100, main.clientWidth - 8));
    new uPlot({
      width, height: 300,
      series: [{}, ...names.map((name, i) => ({ label: name, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true } }))],
      axes: [{}, { label: t("reports") }],
      scales: { x: { time: true } },
    }, [xs, ...names.map((name) => counts.get(name))], chart);
    chart.dataset.series = String(names.length);
  }

  // ---------- the regime: agreements, criteria, measures, meetings ----------
  async function viewRegime() {
    const agreements = await api("/api/v1/agreements");
    const sections = [h("h2", null, t("regime_agreements")), agreements.length === 0 ? h("p", null, t("none")) :
      h("div", { id: "agreements" }, ...agreements.map((a) => h("section", { class: "card" },
        h("h3", null, a.spec.title + " (" + a.spec.id + ", D-" + a.decision + ")"),
        h("ul", null, ...a.spec.clauses.map((c) => h("li", null, h("strong", null, c.id + ": "), c.text))),
        a.spec.zones.length ? h("p", null, t("regime_zones") + ": " + a.spec.zones.map((z) =>
          z.name + " (" + t("zone_" + z.kind) + ", " + t("from") + " " + z.valid_from + (z.valid_to ? " " + t("to") + " " + z.valid_to : "") + ")").join("; ")) : null)))];
    if (session.access === "public") {
      setView(t("regime_title"), ...sections, h("p", { id: "regime-need-token" }, t("regime_need_token")));
      return;
    }
    const [compliance, measures, meetings, documents] = await Promise.all([
      api("/api/v1/compliance").catch((e) => (e.status === 404 ? null : Promise.reject(e))),
      api("/api/v1/measures"), api("/api/v1/meetings"), api("/api/v1/documents")]);
    sections.push(h("h2", null, t("regime_compliance")));
    sections.push(!compliance ? h("p", null, t("regime_no_criteria")) : h("div", { class: "table-wrap" }, h("table", { id: "compliance" },
      h("caption", null, t("regime_compliance_as_of", { date: compliance.date, decision: compliance.criteria_decision })),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("regime_formation")), h("th", { scope: "col" }, t("regime_verdict")), h("th", { scope: "col" }, t("regime_why")))),
      h("tbody", null, ...compliance.formations.map((c) => h("tr", { "data-complies": String(c.complies) },
        h("th", { scope: "row" }, c.formation), h("td", null, c.complies ? t("complies") : t("fails")),
        h("td", null, c.failures.map((f) => f.criterion + ": " + f.reason).join("; ") || "—")))))));
    sections.push(h("h2", null, t("regime_measures")));
    sections.push(h("ul", { id: "measures" }, ...measures.measures.map((m) => h("li", null,
      m.decision + " — " + m.measure.step + " " + t("regime_for") + " " + m.measure.formation + " (" + m.status + "), " + t("regime_comply_by") + " " + m.measure.comply_by +
      (m.compliance.length ? " — " + m.compliance.map((c) => c.party + ": " + c.outcome.replace(/_/g, " ")).join(", ") : ""))),
      ...measures.due.map((d) => h("li", { class: "due" }, t("regime_due", { step: d.step.id, formation: d.formation, reason: d.reason })))));
    sections.push(h("h2", null, t("regime_meetings")));
    sections.push(h("ul", { id: "meetings" }, ...meetings.map((m) => h("li", null,
      h("strong", null, m.record.date + " — " + m.record.place), " (" + m.record.level.replace(/_/g, " ") + ", " + m.record.status + "); " +
      t("regime_participants") + ": " + m.record.participants.join(", ") +
      (m.record.observers.length ? "; " + t("regime_observers") + ": " + m.record.observers.join(", ") : "") +
      (m.record.summary ? ". " + m.record.summary : "") + (m.decisions.length ? " — " + m.decisions.join(", ") : "")))));
    sections.push(h("h2", null, t("regime_documents")));
    sections.push(h("ul", { id: "documents" }, ...documents.flatMap((d) => d.versions.map((v) => h("li", null,
      h("a", { href: "/api/v1/documents/" + v.version.sha256, "data-sha": v.version.sha256, class: "document-link" }, v.version.title),
      " — " + t("regime_approved_by", { parties: Object.keys(v.approvals).join(", ") || "—" }))))));
    setView(t("regime_title"), ...sections);
    // The document files need the token too: fetch them rather than follow the link.
    for (const link of document.querySelectorAll(".document-link")) {
      link.addEventListener("click", async (e) => {
        e.preventDefault();
        const response = await fetch(link.getAttribute("href"), { headers: { Authorization: "Bearer " + token() } });
        if (!response.ok) { link.after(errorBox(new Error((await response.json()).error))); return; }
        saveDownload(await response.arrayBuffer(), link.textContent);
      });
    }
  }

  // ---------- review of ingested texts ----------
  // Drafts are never filed on their own: a member reads the text with the
  // evidence of each field marked, then files a report from it.
  // Reads the server's `[[text|field]]` markers, which may nest, into <mark>s.
  function markedText(rendered) {
    const out = h("div", { class: "draft-text", id: "draft-text", tabindex: "0" });
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
  function candidateSummary(candidate) {
    if (candidate.kind === "bulletin_count") {
      const places = (candidate.by_governorate || []).map((g) => g.name + " " + g.count).join(", ");
      const period = candidate.period ? candidate.period.start + " – " + candidate.period.end : "";
      return h("li", { "data-kind": candidate.kind }, h("strong", null, t("candidate_bulletin_count") + " "),
        t("confidence", { value: Number(candidate.confidence).toFixed(2) }) + " — " +
        t("bulletin_candidate", { side: candidate.side, total: candidate.total, places, period }));
    }
    const fields = Object.entries(candidate).filter(([k]) => !["kind", "evidence", "confidence"].includes(k))
      .map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join("; ");
    return h("li", { "data-kind": candidate.kind }, h("strong", null, t("candidate_" + candidate.kind) + " "),
      t("confidence", { value: Number(candidate.confidence).toFixed(2) }) + " — " + fields);
  }
  async function viewReview(id) {
    if (session.access === "public") {
      setView(t("review_title"), h("p", { id: "review-need-token" }, t("review_need_token")));
      return;
    }
    if (id) {
      const draft = await api("/api/v1/drafts/" + encodeURIComponent(id));
      setView(t("draft_title", { id: draft.id }),
        h("p", null, t("draft_meta", { origin: draft.origin, language: draft.language, published: draft.published || "—" })),
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
        " — " + d.origin + ", " + t("draft_count", { n: d.candidates })))));
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

  // ---------- exchanges ----------
  // Counts and statuses only: the node cannot read identities, which are
  // sealed to the intermediary and the submitting side.
  const PERSON_STATUS = { released: "status_released", cleared: "status_cleared", not_cleared: "status_not_cleared", awaiting_interview: "status_awaiting" };
  async function viewExchanges() {
    if (session.access === "public") {
      setView(t("exchanges_title"), h("p", { id: "exchanges-need-token" }, t("exchanges_need_token")));
      return;
    }
    const [lists, projects] = await Promise.all([api("/api/v1/exchange/lists"), api("/api/v1/exchange/projects")]);
    const listTable = lists.length === 0 ? h("p", null, t("none")) : h("div", { class: "table-wrap" }, h("table", { id: "exchange-lists" },
      h("thead", null, h("tr", null, ...["col_list", "col_direction", "col_party", "col_persons", "col_categories", "col_vulnerable"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", null, ...lists.map((l) => h("tr", null,
        h("th", { scope: "row" }, l.name), h("td", null, t("direction_" + l.direction)), h("td", null, l.party), h("td", null, l.persons),
        h("td", null, Object.entries(l.categories).filter(([, n]) => n > 0).map(([c, n]) => `${t("category_" + c)} ${n}`).join(", ")),
        h("td", null, t("vulnerable_counts", l.vulnerable)))))));
    const projectSections = projects.map((p) => h("section", { class: "exchange-project" },
      h("h3", null, t("project_heading", { number: p.number, place: p.place, date: p.date, status: p.status })),
      h("p", null, t("project_released", { released: p.released, total: p.persons.length })),
      h("div", { class: "table-wrap" }, h("table", null,
        h("thead", null, h("tr", null, ...["col_person", "col_held_by", "col_category", "col_status"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", null, ...p.persons.map((x) => h("tr", null,
          h("th", { scope: "row" }, x.person), h("td", null, x.held_by), h("td", null, t("category_" + x.category)),
          h("td", { "data-status": x.status }, t(PERSON_STATUS[x.status] || x.status)))))))));
    setView(t("exchanges_title"), h("p", null, t("exchanges_help")),
      h("h2", null, t("exchange_lists")), listTable,
      h("h2", null, t("exchange_projects")), ...(projectSections.length ? projectSections : [h("p", null, t("none"))]));
  }

  // ---------- record & browser verification ----------
  function bytesOf(text) {
    if (/^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 && text.length !== 44) {
      return Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));
    }
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }
  function hex(bytes) { return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join(""); }
  function b64(bytes) { let s = ""; for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b); return btoa(s); }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let i = 0;
    for (const p of parts) { out.set(p, i); i += p.length; }
    return out;
  }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  // RFC 9162 section 2.1.3.2: the root an audit path gives for a leaf.
  async function rootFromPath(index, size, leafHash, path) {
    if (index >= size) throw new Error("index beyond the tree");
    let fn = index, sn = size - 1, r = leafHash;
    for (const p of path) {
      if (sn === 0) throw new Error("audit path too long");
      if ((fn & 1) === 1 || fn === sn) {
        r = await sha256(concat([1], p, r));
        if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await sha256(concat([1], r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error("audit path too short");
    return r;
  }
  async function verifyEntry(position, checkpoint) {
    const proof = await api("/api/v1/proof/inclusion/" + position + "?size=" + checkpoint.size);
    let leafHash;
    if (proof.statement) {
      leafHash = await sha256(concat([0], bytesOf(proof.statement), bytesOf(proof.signature)));
    } else {
      leafHash = bytesOf(proof.leaf_hash);
    }
    // The proof must be against the very checkpoint whose signatures were checked.
    if (splitNote(proof.checkpoint).text !== checkpoint.signed.text) throw new Error(t("proof_other_checkpoint"));
    const computed = await rootFromPath(position, checkpoint.size, leafHash, proof.proof.map(bytesOf));
    return { ok: b64(computed) === checkpoint.root, computed: b64(computed) };
  }

  // ---------- signed notes (C2SP signed-note and tlog-cosignature) ----------
  // The checkpoint is a signed note: its text, a blank line, then one line
  // per signature, "— NAME base64(key hash ‖ signature)". The node signs
  // the text with Ed25519; a witness signs "cosignature/v1\ntime T\n" and
  // the text, with the time T (8 bytes, big-endian) before its signature.
  const SIGNED_NOTE_ED25519 = 0x01;
  const COSIGNATURE_V1 = 0x04;
  function fromBase64(text) { return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); }
  function splitNote(note) {
    const end = note.lastIndexOf("\n\n");
    if (end < 0) throw new Error(t("note_malformed"));
    const signatures = note.slice(end + 2).split("\n").filter((line) => line !== "").map((line) => {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!match) throw new Error(t("note_malformed"));
      const raw = fromBase64(match[2]);
      return { name: match[1], keyHash: hex(raw.slice(0, 4)), signature: raw.slice(4) };
    });
    return { text: note.slice(0, end + 1), signatures };
  }
  // A verifier key "NAME+HASH+base64(algorithm ‖ public key)"; HASH is the
  // first 4 bytes of SHA-256(NAME "\n" algorithm ‖ public key).
  async function verifierKey(text, algorithm) {
    const first = text.indexOf("+"), second = text.indexOf("+", first + 1);
    if (first <= 0 || second < 0) throw new Error(t("key_malformed", { key: text }));
    const name = text.slice(0, first), keyHash = text.slice(first + 1, second);
    const raw = fromBase64(text.slice(second + 1));
    if (raw.length !== 33 || raw[0] !== algorithm) throw new Error(t("key_malformed", { key: text }));
    const expected = hex((await sha256(concat(new TextEncoder().encode(name + "\n"), raw))).slice(0, 4));
    if (expected !== keyHash) throw new Error(t("key_malformed", { key: text }));
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name, keyHash, key };
  }
  function ed25519Verify(key, signature, message) {
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message).catch(() => false);
  }
  async function nodeSignatureVerifies(note, nodeKey) {
    const key = await verifierKey(nodeKey, SIGNED_NOTE_ED25519);
    const line = note.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash);
    if (!line || line.signature.length !== 64) return false;
    return ed25519Verify(key.key, line.signature, new TextEncoder().encode(note.text));
  }
  async function cosignatureVerifies(note, witness) {
    const key = await verifierKey(witness.verifier_key, COSIGNATURE_V1);
    const line = note.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash);
    if (!line) return "missing";
    if (line.signature.length !== 72) return "invalid";
    const time = new DataView(line.signature.buffer, line.signature.byteOffset, 8).getBigUint64(0);
    const message = new TextEncoder().encode("cosignature/v1\ntime " + time + "\n" + note.text);
    return (await ed25519Verify(key.key, line.signature.slice(8), message)) ? "verified" : "invalid";
  }
  // The checkpoint as the page shows it, checked against the mechanism's
  // keys: the node's signature, the text's origin, size and root, and
  // which witnesses' cosignatures verify.
  async function verifyCheckpoint(checkpoint, mechanism) {
    const note = splitNote(checkpoint.note);
    const [origin, size, root] = note.text.split("\n");
    const signature = await nodeSignatureVerifies(note, mechanism.node_key);
    const matches = origin === mechanism.log_origin && Number(size) === checkpoint.size && root === checkpoint.root;
    const witnesses = await Promise.all(mechanism.witnesses.map(async (w) => ({
      party: w.party, name: w.verifier_key.split("+")[0], status: await cosignatureVerifies(note, w),
    })));
    const cosigned = witnesses.filter((w) => w.status === "verified").length;
    return { note, signature: signature && matches, witnesses, cosigned, quorum: mechanism.witness_quorum, quorumMet: cosigned >= mechanism.witness_quorum };
  }
  function checkLine(id, ok, text) {
    return h("li", { id, class: ok ? "ok" : "error", "data-ok": String(ok) }, (ok ? "✓ " : "✗ ") + text);
  }
  function witnessTable(witnesses) {
    return h("div", { class: "table-wrap" }, h("table", { id: "witnesses" },
      h("thead", null, h("tr", null, ...["col_guarantor", "col_witness", "col_cosignature"].map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", null, ...witnesses.map((w) => h("tr", { "data-witness": w.name, "data-status": w.status || "" },
        h("th", { scope: "row" }, w.party), h("td", { class: "mono" }, w.name),
        h("td", { class: w.status === "verified" ? "ok" : w.status === "invalid" ? "error" : "" }, t("cosignature_" + (w.status || "unchecked"))))))));
  }
  // What a mirror says of itself: whose copy it is, how far behind, and
  // whether it stopped on evidence against the node it follows.
  function mirrorStatus(mirror) {
    if (!mirror) return h("span");
    const lines = [h("p", null, t("mirror_of", { origin: mirror.origin })),
      h("p", { id: "mirror-behind" }, mirror.behind_entries
        ? t("mirror_behind", { entries: mirror.behind_entries, seconds: mirror.behind_seconds })
        : t("mirror_current"))];
    if (mirror.last_error) lines.push(h("p", { class: "error" }, t("mirror_unreachable", { reason: mirror.last_error })));
    if (mirror.stopped) lines.push(h("p", { class: "error", role: "alert", id: "mirror-stopped" }, t("mirror_stopped", { reason: mirror.stopped })));
    return h("section", { id: "mirror-status", "aria-label": t("mirror_title") }, h("h2", null, t("mirror_title")), ...lines);
  }
  // The node's view of its witness services: what each last cosigned.
  function witnessServices(health) {
    const list = (health && health.witnesses) || [];
    if (!list.length) return h("span");
    return h("section", { id: "witness-services", "aria-label": t("witness_services") },
      h("h2", null, t("witness_services")),
      h("p", null, health.final_size != null ? t("final_up_to", { size: health.final_size }) : t("final_none")),
      h("div", { class: "table-wrap" }, h("table", null,
        h("thead", null, h("tr", null, ...["col_witness", "col_cosigned", "col_behind"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", null, ...list.map((w) => h("tr", { "data-witness": w.name },
          h("th", { scope: "row", class: "mono" }, w.name),
          h("td", null, w.cosigned_size == null ? "—" : String(w.cosigned_size)),
          h("td", { class: w.behind_entries ? "error" : "ok" }, w.behind_entries
            ? t("witness_behind", { n: w.behind_entries }) + (w.last_error ? " — " + w.last_error : "")
            : t("witness_current"))))))));
  }
  async function viewRecord(params) {
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
        const signed = await verifyCheckpoint(checkpoint, mechanism);
        witnesses.replaceChildren(witnessTable(signed.witnesses));
        const checks = [
          checkLine("check-signature", signed.signature, signed.signature ? t("signature_ok", { key: mechanism.node_key.split("+")[0] }) : t("signature_bad")),
          checkLine("check-quorum", signed.quorumMet, t(signed.quorumMet ? "quorum_met" : "quorum_not_met", { n: signed.cosigned, total: signed.witnesses.length, quorum: signed.quorum })),
        ];
        let included = false;
        if (signed.signature) {
          const outcome = await verifyEntry(n, Object.assign({ signed: signed.note }, checkpoint));
          included = outcome.ok;
          checks.push(checkLine("check-inclusion", outcome.ok, outcome.ok
            ? t("verify_ok", { n, size: checkpoint.size, root: checkpoint.root })
            : t("verify_bad", { computed: outcome.computed, root: checkpoint.root })));
        } else {
          checks.push(checkLine("check-inclusion", false, t("inclusion_skipped")));
        }
        // Verified: the node signed this checkpoint and the entry is in it.
        // The quorum is shown beside: the newest checkpoint may await its witnesses.
        const ok = signed.signature && included;
        result.className = ok ? "ok" : "error";
        result.replaceChildren(h("p", null, h("strong", null, t(ok ? "verified_summary" : "not_verified_summary"))), h("ul", { class: "checks" }, ...checks));
        result.dataset.verified = String(ok);
        result.dataset.quorum = String(signed.quorumMet);
      } catch (err) { result.replaceChildren(errorBox(err)); result.dataset.verified = "false"; }
    });
    setView(t("record_title"),
      mirrorStatus(health && health.mirror),
      witnessServices(health),
      h("h2", null, t("checkpoint")),
      h("dl", null, h("dt", null, t("size")), h("dd", { id: "checkpoint-size" }, checkpoint.size),
        h("dt", null, t("root")), h("dd", { class: "mono" }, checkpoint.root),
        h("dt", null, t("node_key")), h("dd", { class: "mono", id: "node-key" }, mechanism.node_key)),
      h("pre", { tabindex: "0", id: "checkpoint-note" }, checkpoint.note),
      h("h2", null, t("cosignatures")),
      h("p", { id: "quorum" }, t("quorum_rule", { quorum: mechanism.witness_quorum, total: mechanism.witnesses.length })),
      checkpoint.cosignatures.length ? h("ul", { id: "cosignatures" }, ...checkpoint.cosignatures.map((c) => h("li", { class: "mono" }, c))) : h("p", null, t("no_cosignatures")),
      witnesses,
      h("h2", null, t("verify_title")), h("p", null, t("verify_help_full")), form, result);
  }

  // ---------- login ----------
  async function viewLogin() {
    if (session.member) {
      const out = h("button", { type: "button", id: "logout", onclick: async () => {
        sessionStorage.removeItem(TOKEN_KEY); await loadSession(); location.hash = "#/map";
      } }, t("logout"));
      setView(t("login_title"), h("p", null, t("login_ok", session)), out);
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
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        session = who;
        renderChrome("login");
        message.className = "ok";
        message.textContent = t("login_ok", who);
      } catch (err) { message.className = "error"; message.textContent = err.status === 401 ? t("login_bad") : errorText(err); }
    });
    setView(t("login_title"), form);
  }

  // ---------- signing key (IndexedDB) ----------
  function db() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("truce", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("keys");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function storedKey() {
    const d = await db();
    return new Promise((resolve, reject) => {
      const r = d.transaction("keys").objectStore("keys").get("signing");
      r.onsuccess = () => resolve(r.result || null);
      r.onerror = () => reject(r.error);
    });
  }
  async function storeKey(pair) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const tx = d.transaction("keys", "readwrite");
      tx.objectStore("keys").put(pair, "signing");
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  async function keyInfo(pair) {
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    const id = (await sha256(concat(new TextEncoder().encode("truce/key-id/v1\n"), raw))).slice(0, 16);
    return { publicKey: hex(raw), keyId: hex(id) };
  }

  // ---------- file a report ----------
  async function viewFile() {
    const enrolment = h("section", { id: "enrolment", "aria-labelledby": "enrol-title" },
      h("h2", { id: "enrol-title" }, t("enrol_title")), h("p", null, t("enrol_help")));
    const notice = h("div");
    const formHolder = h("div");
    setView(t("file_title"), notice, enrolment, formHolder);
    if (!window.crypto || !crypto.subtle) { notice.append(h("p", { class: "notice warn" }, t("no_ed25519"))); return; }
    let pair = await storedKey();
    async function showKey() {
      const info = await keyInfo(pair);
      enrolment.append(h("dl", null,
        h("dt", null, t("public_key")), h("dd", { class: "mono", id: "public-key" }, info.publicKey),
        h("dt", null, t("key_id")), h("dd", { class: "mono", id: "key-id" }, info.keyId)));
      return info;
    }
    if (!pair) {
      const button = h("button", { type: "button", id: "enrol" }, t("enrol"));
      enrolment.append(button);
      button.addEventListener("click", async () => {
        try {
          pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
          await storeKey(pair);
          button.remove();
          await showKey();
        } catch (e) { enrolment.append(h("p", { class: "notice warn" }, t("no_ed25519") + " (" + errorText(e) + ")")); }
      });
    } else {
      await showKey();
    }
    if (session.access === "public") { notice.append(h("p", { class: "notice warn", id: "cannot-file" }, t("file_public"))); return; }
    if (session.access !== "guarantor") { notice.append(h("p", { class: "notice warn", id: "cannot-file" }, t("file_observer"))); return; }
    if (!pair) return;
    const info = await keyInfo(pair);
    const members = await api("/api/v1/members");
    const me = members.find((m) => m.key_id === info.keyId);
    if (!me) { enrolment.append(h("p", { class: "notice warn", id: "not-admitted" }, t("key_not_admitted"))); return; }
    enrolment.append(h("p", { class: "ok", id: "admitted" }, t("key_admitted", { member: me.member, seq: me.next_seq })));
    await reportForm(formHolder, pair, info);
  }

  // The node returns the exact canonical bytes; the browser signs them with
  // its non-extractable key and submits bytes and signature.
  async function signAndSubmit(pair, statement) {
    const canonical = await api("/api/v1/statements/canonical", { method: "POST", json: statement });
    const message = concat(new TextEncoder().encode(canonical.context), bytesOf(canonical.statement));
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, message);
    return api("/api/v1/statements", { method: "POST", json: { statement: canonical.statement, signature: hex(signature) } });
  }

  // The browser's admitted key and its member, or null.
  async function admittedKey() {
    if (!window.crypto || !crypto.subtle) return null;
    const pair = await storedKey();
    if (!pair) return null;
    const info = await keyInfo(pair);
    const me = (await api("/api/v1/members")).find((m) => m.key_id === info.keyId);
    return me ? { pair, info, me } : null;
  }

  // ---------- assess an incident ----------
  const POSITIONS = ["confirmed", "cannot_confirm", "disputed", "not_a_violation"];
  async function assessForm(incidentId) {
    const section = h("section", { id: "assess", "aria-labelledby": "assess-title" }, h("h2", { id: "assess-title" }, t("assess_title")));
    if (session.access !== "guarantor") return section.append(h("p", { class: "notice", id: "cannot-assess" }, t("assess_guarantors_only"))), section;
    const key = await admittedKey();
    if (!key) return section.append(h("p", { class: "notice warn", id: "cannot-assess" }, t("assess_needs_key"))), section;
    const formations = (await api("/api/v1/formations?limit=1000")).items;
    const position = h("select", { id: "assess-position", name: "position" }, ...POSITIONS.map((p) => h("option", { value: p }, t("position_" + p))));
    const attributed = h("select", { id: "assess-attributed", name: "attributed_to" }, h("option", { value: "" }, t("not_attributed")),
      ...formations.map((f) => h("option", { value: f.id }, f.name)));
    const reason = h("textarea", { id: "assess-reason", name: "reason", rows: "3", required: true, "aria-describedby": "assess-reason-error" });
    const reasonError = h("span", { class: "field-error", id: "assess-reason-error", "aria-live": "polite" });
    const result = h("div", { id: "assess-result", "aria-live": "polite" });
    const submit = h("button", { type: "submit", id: "assess-submit" }, t("assess_submit"));
    const form = h("form", { id: "assess-form", novalidate: true },
      h("label", { for: "assess-position" }, t("assess_position"), position),
      h("label", { for: "assess-attributed" }, t("assess_attributed"), attributed),
      h("label", { for: "assess-reason" }, t("reason"), reason, reasonError), submit, result);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      reasonError.textContent = "";
      reason.removeAttribute("aria-invalid");
      if (!reason.value.trim()) {
        reasonError.textContent = t("field_error", { field: t("reason"), message: t("required") });
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        return;
      }
      submit.disabled = true;
      result.textContent = t("signing");
      try {
        const me = (await api("/api/v1/members")).find((m) => m.key_id === key.info.keyId);
        const receipt = await signAndSubmit(key.pair, {
          v: 1, author: key.info.keyId, seq: me.next_seq, time: new Date().toISOString(),
          body: { assessment: { incident: Number(incidentId), position: position.value,
            attributed_to: attributed.value || null, reason: reason.value.trim(), references: [] } },
        });
        result.replaceChildren(h("p", { class: "ok", id: "assessed", "data-position": receipt.position }, t("assessed", { position: receipt.position })));
        announce(t("assessed", { position: receipt.position }));
      } catch (err) {
        result.replaceChildren(errorBox(err));
      } finally { submit.disabled = false; }
    });
    section.append(h("p", null, t("assess_as", { member: key.me.member })), form);
    return section;
  }

  async function reportForm(holder, pair, info) {
    const formations = (await api("/api/v1/formations?limit=1000")).items;
    const field = (id, label, control, help) => h("label", { for: id }, label, control, help ? h("small", null, help) : null,
      h("span", { class: "field-error", id: id + "-error", "aria-live": "polite" }));
    const input = (id, attrs) => h("input", Object.assign({ id, name: id, "aria-describedby": id + "-error" }, attrs));
    const select = (id, options, value) => h("select", { id, name: id, "aria-describedby": id + "-error" },
      ...options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
    const now = new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 16);
    const actorSelect = (id) => select(id, [["", t("unknown_actor")], ...formations.map((f) => [f.id, f.name])], "");
    const c = {
      occurred: input("occurred", { type: "datetime-local", value: now, required: true }),
      time_precision: select("time_precision", ["minute", "hour", "day", "week", "month"].map((v) => [v, v]), "hour"),
      lat: input("lat", { type: "number", step: "any", required: true, inputmode: "decimal" }),
      lon: input("lon", { type: "number", step: "any", required: true, inputmode: "decimal" }),
      precision: select("precision", ["exact", "near", "region"].map((v) => [v, v]), "near"),
      place: input("place", { type: "text", required: true, maxlength: "300" }),
      type: select("type", TYPES.map((v) => [v, v.replace(/_/g, " ")]), "shelling"),
      clause: input("clause", { type: "text", maxlength: "100" }),
      perpetrator: actorSelect("perpetrator"),
      perpetrator_unknown: input("perpetrator_unknown", { type: "text", value: "unknown", "aria-label": t("perpetrator") + " — " + t("unknown_actor") }),
      target: actorSelect("target"),
      target_unknown: input("target_unknown", { type: "text", value: "civilian area", "aria-label": t("target") + " — " + t("unknown_actor") }),
      killed: input("killed", { type: "number", min: "0", value: "0" }),
      injured: input("injured", { type: "number", min: "0", value: "0" }),
      source_kind: select("source_kind", ["own_observation", "monitor", "local_contact", "official", "media", "social_media", "other_guarantor"].map((v) => [v, v.replace(/_/g, " ")]), "own_observation"),
      source: input("source", { type: "text", required: true, maxlength: "500", value: "" }),
      narrative: h("textarea", { id: "narrative", name: "narrative", required: true, "aria-describedby": "narrative-error" }),
      evidence: input("evidence", { type: "file", multiple: true }),
    };
    const pick = h("div", { id: "pick-map", role: "region", "aria-label": t("map_pick") });
    const summary = h("div", { id: "form-summary", role: "alert" });
    const result = h("div", { id: "file-result", "aria-live": "polite" });
    const submit = h("button", { type: "submit", id: "file-submit" }, t("submit"));
    const form = h("form", { id: "report-form", novalidate: true },
      summary,
      h("fieldset", null, h("legend", null, t("col_date")), h("div", { class: "grid2" },
        field("occurred", t("occurred"), c.occurred), field("time_precision", t("time_precision"), c.time_precision))),
      h("fieldset", null, h("legend", null, t("location")), h("p", null, t("map_pick")), pick,
        h("div", { class: "grid2" }, field("lat", t("lat"), c.lat), field("lon", t("lon"), c.lon),
          field("precision", t("geo_precision"), c.precision), field("place", t("place"), c.place))),
      h("fieldset", null, h("legend", null, t("violation_type")), h("div", { class: "grid2" },
        field("type", t("violation_type"), c.type), field("clause", t("clause"), c.clause),
        field("perpetrator", t("perpetrator"), c.perpetrator, null), c.perpetrator_unknown,
        field("target", t("target"), c.target), c.target_unknown,
        field("killed", t("killed_civilians"), c.killed), field("injured", t("injured_civilians"), c.injured))),
      h("fieldset", null, h("legend", null, t("sources")), h("div", { class: "grid2" },
        field("source_kind", t("source_kind"), c.source_kind), field("source", t("source_description"), c.source)),
        field("narrative", t("narrative"), c.narrative),
        field("evidence", t("evidence"), c.evidence, t("evidence_help"))),
      submit, result);
    holder.replaceChildren(h("h2", null, t("file_title")), form);
    const map = L.map(pick, { attributionControl: false });
    const boundaries = boundaryLayer(await admin1()).addTo(map);
    map.fitBounds(boundaries.getBounds());
    let marker = null;
    function place(lat, lon) {
      if (marker) marker.setLatLng([lat, lon]);
      else marker = L.circleMarker([lat, lon], { radius: 8, color: "#0b5394", fillOpacity: 0.8 }).addTo(map);
    }
    map.on("click", (e) => {
      c.lat.value = e.latlng.lat.toFixed(5);
      c.lon.value = e.latlng.lng.toFixed(5);
      place(e.latlng.lat, e.latlng.lng);
    });
    for (const el of [c.lat, c.lon]) el.addEventListener("change", () => {
      if (c.lat.value && c.lon.value) place(Number(c.lat.value), Number(c.lon.value));
    });

    function setError(id, message) {
      const control = document.getElementById(id);
      const slot = document.getElementById(id + "-error");
      if (control) control.setAttribute("aria-invalid", message ? "true" : "false");
      if (slot) slot.textContent = message || "";
    }
    function validate() {
      const errors = [];
      const need = (id, ok, message) => { if (!ok) errors.push([id, message]); setError(id, ok ? "" : message); };
      need("occurred", !!c.occurred.value, t("required"));
      if (c.occurred.value) need("occurred", new Date(c.occurred.value + ":00+03:00") <= new Date(), t("future_date"));
      const lat = Number(c.lat.value), lon = Number(c.lon.value);
      need("lat", c.lat.value !== "" && lat >= -90 && lat <= 90, c.lat.value === "" ? t("required") : t("out_of_range", { min: -90, max: 90 }));
      need("lon", c.lon.value !== "" && lon >= -180 && lon <= 180, c.lon.value === "" ? t("required") : t("out_of_range", { min: -180, max: 180 }));
      need("place", c.place.value.trim() !== "", t("required"));
      need("source", c.source.value.trim() !== "", t("required"));
      need("narrative", c.narrative.value.trim() !== "", t("required"));
      for (const id of ["killed", "injured"]) {
        const v = c[id].value;
        need(id, v === "" || (Number.isInteger(Number(v)) && Number(v) >= 0), t("invalid_number"));
      }
      need("evidence", [...c.evidence.files].every((f) => f.size > 0), t("empty_file"));
      summary.replaceChildren(errors.length ? h("p", { class: "error" }, t("fix_errors", { n: errors.length })) : "");
      if (errors.length) document.getElementById(errors[0][0]).focus();
      return errors.length === 0;
    }
    function actor(selectEl, text) {
      return selectEl.value ? { formation: selectEl.value } : { unknown: text.value.trim() || "unknown" };
    }
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      result.replaceChildren();
      if (!validate()) return;
      submit.disabled = true;
      result.textContent = t("signing");
      try {
        // Each file goes to the node first, named by its SHA-256; the
        // statement signed below names the hashes.
        const evidence = [];
        for (const file of c.evidence.files) {
          result.textContent = t("uploading", { name: file.name });
          const bytes = await file.arrayBuffer();
          const digest = hex(await sha256(bytes));
          const mediaType = file.type && file.type.includes("/") ? file.type : "application/octet-stream";
          await api("/api/v1/evidence/" + digest, { method: "PUT", bytes, contentType: mediaType });
          evidence.push({ sha256: digest, media_type: mediaType, bytes: file.size, description: file.name });
        }
        result.textContent = t("signing");
        const members = await api("/api/v1/members");
        const me = members.find((m) => m.key_id === info.keyId);
        const casualties = [];
        for (const [id, outcome] of [["killed", "killed"], ["injured", "injured"]]) {
          const n = Number(c[id].value || 0);
          if (n > 0) casualties.push({ outcome, status: "civilian", low: n, best: n, high: n });
        }
        const statement = {
          v: 1, author: info.keyId, seq: me.next_seq, time: new Date().toISOString(),
          body: { report_filed: { report: {
            occurred: c.occurred.value + ":00", time_precision: c.time_precision.value,
            location: { lat: Number(c.lat.value), lon: Number(c.lon.value), precision: c.precision.value, place: c.place.value.trim() },
            type: c.type.value, clause: c.clause.value.trim() || null,
            perpetrator: actor(c.perpetrator, c.perpetrator_unknown), target: actor(c.target, c.target_unknown),
            casualties, sources: [{ kind: c.source_kind.value, description: c.source.value.trim() }],
            evidence, narrative: c.narrative.value.trim(), observation: null,
          } } },
        };
        const receipt = await signAndSubmit(pair, statement);
        result.replaceChildren(h("p", { class: "ok", id: "filed", "data-position": receipt.position },
          t("filed", { position: receipt.position, size: receipt.checkpoint_size }), " ",
          h("a", { href: "#/incident/" + receipt.position }, t("incident_title", { id: "R-" + receipt.position }))));
        announce(t("filed", { position: receipt.position, size: receipt.checkpoint_size }));
      } catch (err) {
        const fieldName = err.body && err.body.field ? String(err.body.field).split(".").pop() : null;
        if (fieldName && document.getElementById(fieldName)) setError(fieldName, err.body.error);
        result.replaceChildren(errorBox(err));
      } finally { submit.disabled = false; }
    });
  }

  // ---------- router ----------
  async function route() {
    const raw = location.hash.replace(/^#\/?/, "") || "map";
    const [path, query] = raw.split("?");
    const params = new URLSearchParams(query || "");
    const [name, arg] = path.split("/");
    renderChrome(name === "incident" ? "register" : name);
    if (mapInstance && name !== "map") { mapInstance.remove(); mapInstance = null; }
    try {
      switch (name) {
        case "register": await viewRegister(params); break;
        case "incident": await viewIncident(arg); break;
        case "bulletin": await viewBulletin(params); break;
        case "exchanges": await viewExchanges(); break;
        case "regime": await viewRegime(); break;
        case "review": await viewReview(arg); break;
        case "record": await viewRecord(params); break;
        case "login": await viewLogin(); break;
        case "file": await viewFile(); break;
        default: await viewMap(); break;
      }
    } catch (e) { main.append(errorBox(e)); }
    main.dataset.view = name;
    main.dataset.ready = "true";
  }
  window.addEventListener("hashchange", () => { main.dataset.ready = "false"; route(); });
  loadSession().then(route);
})();
