const B = process.env.TRUCE_URL, T = process.env.TRUCE_GUARANTOR_TOKEN;
const r = await (await fetch(B + "/api/v1/decisions?status=open", { headers: { Authorization: "Bearer " + T } })).json();
for (const d of r.items) console.log(d.id, d.type, d.title, d.deadline, JSON.stringify(d.votes));
const v = await (await fetch(B + "/api/v1/vocabulary")).json(); console.log(JSON.stringify(v));
const s = await (await fetch(B + "/api/v1/bulletin/series?from=2026-11-25&to=2026-12-05")).json(); console.log(JSON.stringify(s).slice(0, 300));
const m = await (await fetch(B + "/api/v1/measures", { headers: { Authorization: "Bearer " + T } })).json(); console.log(JSON.stringify(m).slice(0, 600));
