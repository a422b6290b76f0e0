// Filing a report: this browser's key (made here, never exported), and
// the report form, signed in the browser.
import { t, label } from "../i18n.js";
import { h, td, setView, errorBox, errorText, announce, leaflet } from "../dom.js";
import { api, session } from "../api.js";
import { admin1, boundaryLayer, vocabulary, localizeZoom } from "../shared.js";
import { storedKey, generateKey, keyInfo, signAndSubmit } from "../keystore.js";
import { sha256, hex } from "../verify.js";

export async function show(_name, _arg, params) {
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
      h("dt", null, t("public_key")), h("dd", { class: "mono", id: "public-key", translate: "no" }, info.publicKey),
      h("dt", null, t("key_id")), h("dd", { class: "mono", id: "key-id", translate: "no" }, info.keyId)));
    return info;
  }
  if (!pair) {
    const button = h("button", { type: "button", id: "enrol" }, t("enrol"));
    enrolment.append(button);
    button.addEventListener("click", async () => {
      try {
        pair = await generateKey();
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
  enrolment.append(h("p", { class: "ok", id: "admitted" }, td("key_admitted", { member: me.member, seq: me.next_seq })));
  await reportForm(formHolder, pair, info, params ? params.get("complaint") : null);
}

async function reportForm(holder, pair, info, complaintReference) {
  const [L, formations, vocab] = await Promise.all([leaflet(), api("/api/v1/formations?limit=1000").then((p) => p.items), vocabulary()]);
  const field = (id, text, control, help) => h("label", { for: id }, text, control, help ? h("small", null, help) : null,
    h("span", { class: "field-error", id: id + "-error", "aria-live": "polite" }));
  const input = (id, attrs) => h("input", Object.assign({ id, name: id, "aria-describedby": id + "-error" }, attrs));
  const select = (id, options, value) => h("select", { id, name: id, "aria-describedby": id + "-error" },
    ...options.map(([v, text, attrs]) => h("option", Object.assign({ value: v, selected: v === value }, attrs || {}), text)));
  const now = new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 16);
  const actorSelect = (id) => select(id, [["", t("unknown_actor")], ...formations.map((f) => [f.id, f.name, { translate: "no" }])], "");
  const c = {
    occurred: input("occurred", { type: "datetime-local", value: now, required: true }),
    time_precision: select("time_precision", ["minute", "hour", "day", "week", "month"].map((v) => [v, label("time_precision", v)]), "hour"),
    lat: input("lat", { type: "number", step: "any", required: true, inputmode: "decimal" }),
    lon: input("lon", { type: "number", step: "any", required: true, inputmode: "decimal" }),
    precision: select("precision", ["exact", "near", "region"].map((v) => [v, label("geo_precision", v)]), "near"),
    place: input("place", { type: "text", required: true, maxlength: "300" }),
    type: select("type", vocab.violation_types.map((v) => [v, label("type", v)]), "shelling"),
    clause: input("clause", { type: "text", maxlength: "100" }),
    perpetrator: actorSelect("perpetrator"),
    perpetrator_unknown: input("perpetrator_unknown", { type: "text", value: t("default_unknown"), "aria-label": t("perpetrator") + " — " + t("unknown_actor") }),
    target: actorSelect("target"),
    target_unknown: input("target_unknown", { type: "text", value: t("default_civilian_area"), "aria-label": t("target") + " — " + t("unknown_actor") }),
    killed: input("killed", { type: "number", min: "0", value: "0" }),
    injured: input("injured", { type: "number", min: "0", value: "0" }),
    source_kind: select("source_kind", ["own_observation", "monitor", "local_contact", "official", "media", "social_media", "other_guarantor"].map((v) => [v, label("source_kind", v)]), "own_observation"),
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
  // Taking up a complaint: its words and place to start from, and its
  // exact text named among the evidence when the report is signed.
  let complaint = null;
  if (complaintReference) {
    complaint = (await api("/api/v1/complaints")).find((x) => x.reference === complaintReference) || null;
    if (complaint) {
      c.place.value = complaint.place || "";
      c.narrative.value = complaint.text;
      c.source_kind.value = "local_contact";
      c.source.value = t("complaint_source", { reference: complaint.reference, from: complaint.from || "—" });
      if (complaint.occurred) { c.occurred.value = complaint.occurred + "T12:00"; c.time_precision.value = "day"; }
    }
  }
  holder.replaceChildren(h("h2", null, t("file_title")), form);
  if (complaint) {
    form.before(h("p", { class: "notice", id: "taking-up", "data-reference": complaint.reference },
      t("complaint_taking_up", { reference: complaint.reference })));
  }
  const map = L.map(pick, { attributionControl: false });
  localizeZoom(pick);
  const governorates = await admin1();
  const boundaries = boundaryLayer(L, governorates).addTo(map);
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
    // The Record refuses a point outside the country: say so here, by the
    // field, before anything is signed.
    if (!errors.some(([id]) => id === "lat" || id === "lon")) need("lat", insideCountry(governorates, lat, lon), t("outside_country"));
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
    return selectEl.value ? { formation: selectEl.value } : { unknown: text.value.trim() || t("default_unknown") };
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
      if (complaint) {
        evidence.push(await api("/api/v1/complaints/" + encodeURIComponent(complaint.reference) + "/evidence", { method: "POST" }));
      }
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

// Whether the point lies in one of the gazetteer's governorates (the
// boundary the node serves), by ray casting over each ring.
export function insideCountry(collection, lat, lon) {
  const inRing = (ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const inPolygon = (rings) => inRing(rings[0]) && !rings.slice(1).some(inRing);
  return (collection.features || []).some((f) => {
    const g = f.geometry || {};
    if (g.type === "Polygon") return inPolygon(g.coordinates);
    if (g.type === "MultiPolygon") return g.coordinates.some(inPolygon);
    return false;
  });
}
