//! The endpoints the web interface needs, and the embedded pages.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use jiff::Timestamp;
use serde_json::{json, Value};
use truce_model::{Actor, ReportFiled};
use truce_record::{Body as StatementBody, Statement};

async fn canonical(node: &Node, body: &str) -> Answer {
    node.request(
        Method::POST,
        "/api/v1/statements/canonical",
        None,
        Body::from(body.to_string()),
    )
    .await
}

fn report_statement(node: &Node, who: usize) -> Statement {
    let member = &node.members[who];
    Statement::new(
        member.key.key_id(),
        member.seq,
        Timestamp::now(),
        StatementBody::ReportFiled(ReportFiled {
            report: shelling(
                yesterday(),
                "14:30",
                0.0,
                Actor::Unknown("civilians".into()),
            ),
        }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canonical_bytes_are_what_the_node_accepts() {
    let mut node = Node::new().await;
    let statement = report_statement(&node, RU);
    // Any JSON layout in: keys reordered, spaces added.
    let mut value = serde_json::to_value(&statement).unwrap();
    let body = value.as_object_mut().unwrap();
    let reordered: serde_json::Map<String, Value> = body
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let text = serde_json::to_string_pretty(&Value::Object(reordered)).unwrap();
    let answer = canonical(&node, &text).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = answer.json();
    assert_eq!(answer["context"], "truce/statement/v1\n");
    assert_eq!(answer["kind"], "report_filed");
    let bytes = BASE64
        .decode(answer["statement"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, statement.to_bytes());
    // Signed elsewhere (here: by the member's key), it is appended.
    let signed = node.members[RU].key.sign(&statement);
    assert_eq!(signed.bytes(), bytes.as_slice());
    let receipt = node.submit(&signed).await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.text);
    node.members[RU].seq += 1;
    // Nothing was appended by the canonical call itself.
    let health = node.get("/healthz", Who::Public).await.json();
    assert_eq!(health["size"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canonical_refuses_naming_the_field() {
    let node = Node::new().await;
    let statement = report_statement(&node, RU);
    let mut value = serde_json::to_value(&statement).unwrap();

    // A wrong type deep inside: 400 naming the path.
    value["body"]["report_filed"]["report"]["location"]["lat"] = json!("north");
    let answer = canonical(&node, &value.to_string()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    let error = answer.json();
    assert_eq!(error["code"], "bad_request");
    assert_eq!(error["field"], "body.report_filed.report.location.lat");

    // An unknown field is refused, not dropped.
    let mut unknown = serde_json::to_value(&statement).unwrap();
    unknown["extra"] = json!(1);
    let answer = canonical(&node, &unknown.to_string()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    // Decodes, but fails validation: 422 naming the field.
    let mut empty = serde_json::to_value(&statement).unwrap();
    empty["body"]["report_filed"]["report"]["narrative"] = json!("");
    let answer = canonical(&node, &empty.to_string()).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    let error = answer.json();
    assert_eq!(error["code"], "refused");
    assert!(
        error["field"].as_str().unwrap().ends_with("narrative"),
        "{error}"
    );

    // Not JSON at all.
    let answer = canonical(&node, "{").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["code"], "bad_request");

    // A version this build does not write.
    let mut version = serde_json::to_value(&statement).unwrap();
    version["v"] = json!(2);
    let answer = canonical(&node, &version.to_string()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["field"], "statement");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governorates_are_served_to_everyone() {
    let node = Node::new().await;
    for who in EVERYONE {
        let answer = node.get("/api/v1/gazetteer/admin1.geojson", who).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.content_type, "application/geo+json");
        let geojson = answer.json();
        assert_eq!(geojson["type"], "FeatureCollection");
        let features = geojson["features"].as_array().unwrap();
        assert_eq!(features.len(), 14);
        assert!(features.iter().any(|f| f["properties"]["code"] == "SY-ID"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_cluster_by_zoom() {
    let mut node = Node::new().await;
    let day = yesterday();
    // Three separate incidents around Khan Shaykhun (different types and
    // far enough apart not to be grouped), and one in Daraa.
    let types = ["shelling", "air_strike", "small_arms"];
    for (i, ty) in types.iter().enumerate() {
        let mut report = shelling(day, &format!("1{i}:00"), 0.0, Actor::Unknown("x".into()));
        report.violation_type = ty.parse().unwrap();
        report.location.lat += i as f64 * 0.05;
        node.say(RU, StatementBody::ReportFiled(ReportFiled { report }))
            .await;
    }
    let mut daraa = shelling(day, "09:00", 0.0, Actor::Unknown("x".into()));
    daraa.location.lat = 32.62;
    daraa.location.lon = 36.10;
    daraa.location.place = "Daraa".into();
    node.say(
        RU,
        StatementBody::ReportFiled(ReportFiled { report: daraa }),
    )
    .await;

    let plain = node
        .get("/api/v1/incidents.geojson", Who::Public)
        .await
        .json();
    assert_eq!(plain["features"].as_array().unwrap().len(), 4);

    let coarse = node
        .get("/api/v1/incidents.geojson?cluster=true&zoom=5", Who::Public)
        .await
        .json();
    let features = coarse["features"].as_array().unwrap();
    assert_eq!(features.len(), 2, "{coarse}");
    let cluster = features
        .iter()
        .find(|f| f["properties"]["cluster"] == true)
        .expect("a cluster");
    assert_eq!(cluster["properties"]["count"], 3);
    assert_eq!(cluster["properties"]["from"], day.to_string());
    let findings: u64 = cluster["properties"]["findings"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(findings, 3);
    let total: u64 = features
        .iter()
        .map(|f| f["properties"]["count"].as_u64().unwrap_or(1))
        .sum();
    assert_eq!(total, 4);

    // Zoomed in far enough, every incident stands alone again.
    let fine = node
        .get(
            "/api/v1/incidents.geojson?cluster=true&zoom=16",
            Who::Public,
        )
        .await
        .json();
    assert_eq!(fine["features"].as_array().unwrap().len(), 4);
    assert!(fine["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["cluster"].is_null()));

    for bad in ["cluster=maybe", "cluster=true&zoom=21", "zoom=-1"] {
        let answer = node
            .get(&format!("/api/v1/incidents.geojson?{bad}"), Who::Public)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_tells_the_access() {
    let node = Node::new().await;
    let public = node.get("/api/v1/whoami", Who::Public).await.json();
    assert_eq!(public, json!({"access": "public"}));
    let observer = node.get("/api/v1/whoami", Who::Observer).await.json();
    assert_eq!(observer["access"], "observer");
    assert_eq!(observer["member"], "un-expert");
    let guarantor = node.get("/api/v1/whoami", Who::Guarantor).await.json();
    assert_eq!(guarantor["access"], "guarantor");
    let bad = node
        .request(
            Method::GET,
            "/api/v1/whoami",
            Some("truce_nope"),
            Body::empty(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_embedded_with_a_strict_policy() {
    let node = Node::new().await;
    let index = node.get("/", Who::Public).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.content_type.starts_with("text/html"));
    assert!(!index.text.contains("http://") && !index.text.contains("https://"));
    for asset in [
        "/ui/app.js",
        "/ui/i18n.js",
        "/ui/app.css",
        "/ui/vendor/leaflet/leaflet.js",
        "/ui/vendor/leaflet/LICENSE",
        "/ui/vendor/uplot/uPlot.iife.min.js",
    ] {
        let answer = node.get(asset, Who::Public).await;
        assert_eq!(answer.status, StatusCode::OK, "{asset}");
        assert!(!answer.text.is_empty(), "{asset}");
    }
    let missing = node.get("/ui/../Cargo.toml", Who::Public).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["code"], "not_found");
}

/// A static file asked for with the given request headers.
async fn fetch_static(
    node: &Node,
    uri: &str,
    headers: &[(&str, &str)],
) -> axum::response::Response {
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    node.router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

async fn body_bytes(response: axum::response::Response) -> Vec<u8> {
    use http_body_util::BodyExt;
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_gzipped_and_cached_by_version() {
    use std::io::Read;
    let node = Node::new().await;
    let index = node.get("/", Who::Public).await;
    // The page names its files under this build's version.
    let start = index.text.find("/ui/v-").expect("a versioned path");
    let version = &index.text[start + 6..start + 6 + 16];
    assert!(version.chars().all(|c| c.is_ascii_hexdigit()), "{version}");
    let versioned = format!("/ui/v-{version}/app.js");
    assert!(index.text.contains(&versioned));
    assert_eq!(index.cache_control, "no-cache");

    let plain = fetch_static(&node, &versioned, &[]).await;
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.headers().get("content-security-policy").is_some());
    let plain = body_bytes(plain).await;

    let zipped = fetch_static(&node, &versioned, &[("accept-encoding", "br, gzip;q=0.8")]).await;
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.headers()["vary"], "Accept-Encoding");
    let zipped = body_bytes(zipped).await;
    assert!(zipped.len() < plain.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain, "the gzipped bytes are the file");
    // gzip refused by weight 0: the plain bytes.
    let refused = fetch_static(&node, &versioned, &[("accept-encoding", "gzip;q=0")]).await;
    assert!(refused.headers().get("content-encoding").is_none());

    // Without the version: revalidated, and unchanged costs a 304.
    let first = fetch_static(&node, "/ui/vendor/leaflet/leaflet.js", &[]).await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = fetch_static(
        &node,
        "/ui/vendor/leaflet/leaflet.js",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(body_bytes(again).await.is_empty());
    let changed = fetch_static(
        &node,
        "/ui/vendor/leaflet/leaflet.js",
        &[("if-none-match", "\"other\"")],
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    // An older build's version is served, but not to be kept.
    let old = fetch_static(&node, "/ui/v-0000000000000000/app.js", &[]).await;
    assert_eq!(old.status(), StatusCode::OK);
    assert_eq!(old.headers()["cache-control"], "no-cache");
    let none = fetch_static(&node, &format!("/ui/v-{version}/../Cargo.toml"), &[]).await;
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vocabulary_lists_the_codes_the_api_uses() {
    let node = Node::new().await;
    let vocabulary = node.get("/api/v1/vocabulary", Who::Public).await.json();
    let words = |field: &str| -> Vec<String> {
        vocabulary[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    for word in words("violation_types") {
        assert!(word.parse::<truce_model::ViolationType>().is_ok(), "{word}");
    }
    assert_eq!(
        words("findings"),
        ["confirmed_violation", "not_a_violation", "unconfirmed"]
    );
    assert_eq!(words("votes"), ["endorse", "object"]);
    assert_eq!(
        words("decision_statuses"),
        ["open", "adopted", "rejected", "expired"]
    );
    assert!(words("positions").contains(&"cannot_confirm".to_string()));
    let steps = vocabulary["measure_steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    assert!(steps
        .iter()
        .all(|s| s["id"].is_string() && s["comply_within_days"].is_i64()));
}

/// Vectors for the browser's verify.js (tests/browser/unit/verify.test.mjs):
/// a checkpoint signed by a node key and cosigned by a witness, an
/// inclusion proof and consistency proofs, each with a tampered twin.
/// `TRUCE_WRITE_VECTORS=1` writes a fresh file; otherwise the committed
/// file is held to what the record crate accepts and refuses, so the
/// JavaScript is tested against what the Rust side really produces.
#[test]
fn browser_verification_vectors_hold() {
    use truce_record::{
        check_consistency, check_inclusion, leaf_hash, CheckpointSigner, CosignatureVerifier,
        Cosigner, Hash, MerkleLog, SignedCheckpoint,
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/browser/unit/vectors.json");
    let hex_hashes = |hashes: &[Hash]| hashes.iter().map(|h| hex::encode(h.0)).collect::<Vec<_>>();
    if std::env::var_os("TRUCE_WRITE_VECTORS").is_some() {
        let mut log = MerkleLog::new();
        let leaves: Vec<Hash> = (0..13u8)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect();
        for leaf in &leaves {
            log.append(*leaf);
        }
        let signer = CheckpointSigner::generate("example.org/truce-vectors").unwrap();
        let witness = Cosigner::generate("witness.example.org").unwrap();
        let checkpoint = signer.sign(13, log.root()).unwrap();
        let line = witness.cosign(&checkpoint, 1_700_000_000);
        let cosigned = checkpoint.with_signature_line(&line).unwrap();
        let note = String::from_utf8(cosigned.note().to_vec()).unwrap();
        let root = BASE64.encode(log.root().0);
        let other_root = BASE64.encode(log.root_at(12).unwrap().0);
        let tampered_note = note.replacen(&format!("\n{root}\n"), &format!("\n{other_root}\n"), 1);
        assert_ne!(note, tampered_note);
        let (head, payload) = line.rsplit_once(' ').unwrap();
        let mut bytes = BASE64.decode(payload).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let tampered_line = format!("{head} {}", BASE64.encode(bytes));
        let flip = |mut proof: Vec<Hash>, at: usize| {
            proof[at].0[0] ^= 1;
            proof
        };
        let inclusion = log.prove_inclusion(6, 13).unwrap();
        let consistency = |old: u64| {
            let proof = log.prove_consistency(old, 13).unwrap();
            json!({
                "size1": old, "size2": 13,
                "root1": hex::encode(log.root_at(old).unwrap().0),
                "root2": hex::encode(log.root().0),
                "proof": hex_hashes(&proof),
                "tampered_proof": hex_hashes(&flip(proof.clone(), proof.len() - 1)),
            })
        };
        let vectors = json!({
            "mechanism": {
                "log_origin": signer.origin(),
                "node_key": signer.verifier_key(),
                "witnesses": [{"party": "Witness party", "verifier_key": witness.verifier_key()}],
                "witness_quorum": 1,
            },
            "checkpoint": {"note": note, "size": 13, "root": root},
            "tampered_checkpoint": {"note": tampered_note, "size": 13, "root": other_root},
            "cosignature": {"line": line, "tampered_line": tampered_line},
            "inclusion": {
                "index": 6, "size": 13,
                "leaf_hash": hex::encode(leaves[6].0),
                "proof": hex_hashes(&inclusion),
                "tampered_proof": hex_hashes(&flip(inclusion.clone(), 0)),
            },
            "consistency": [consistency(5), consistency(8)],
        });
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&vectors).unwrap() + "\n",
        )
        .unwrap();
    }
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let text = |v: &Value| v.as_str().unwrap().to_string();
    let hash = |v: &Value| {
        let bytes = match v.as_str().unwrap() {
            s if s.len() == 64 => hex::decode(s).unwrap(),
            s => BASE64.decode(s).unwrap(),
        };
        Hash(bytes.try_into().unwrap())
    };
    let hashes = |v: &Value| v.as_array().unwrap().iter().map(hash).collect::<Vec<_>>();
    let node_key = text(&vectors["mechanism"]["node_key"]);
    let good = SignedCheckpoint::verify(text(&vectors["checkpoint"]["note"]).as_bytes(), &node_key)
        .expect("the good checkpoint verifies");
    assert_eq!(good.size(), 13);
    assert_eq!(good.root(), hash(&vectors["checkpoint"]["root"]));
    assert!(SignedCheckpoint::verify(
        text(&vectors["tampered_checkpoint"]["note"]).as_bytes(),
        &node_key
    )
    .is_err());
    let witness =
        CosignatureVerifier::new(&text(&vectors["mechanism"]["witnesses"][0]["verifier_key"]))
            .unwrap();
    assert_eq!(
        witness.timestamp_of(&good, &text(&vectors["cosignature"]["line"])),
        Some(1_700_000_000)
    );
    assert_eq!(
        witness.timestamp_of(&good, &text(&vectors["cosignature"]["tampered_line"])),
        None
    );
    let inclusion = &vectors["inclusion"];
    let check = |proof: &Value| {
        check_inclusion(
            &hashes(proof),
            13,
            good.root(),
            6,
            hash(&inclusion["leaf_hash"]),
        )
    };
    check(&inclusion["proof"]).expect("the inclusion proof holds");
    assert!(check(&inclusion["tampered_proof"]).is_err());
    for case in vectors["consistency"].as_array().unwrap() {
        let old = case["size1"].as_u64().unwrap();
        let check = |proof: &Value| {
            check_consistency(&hashes(proof), old, hash(&case["root1"]), 13, good.root())
        };
        check(&case["proof"]).expect("the consistency proof holds");
        assert!(check(&case["tampered_proof"]).is_err());
    }
}

/// Reports filed out of date order, days `back` before yesterday.
async fn reports_on_days(node: &mut Node, back: &[i64]) -> Vec<jiff::civil::Date> {
    let mut days = Vec::new();
    for (i, b) in back.iter().enumerate() {
        let day = yesterday().checked_sub(jiff::Span::new().days(*b)).unwrap();
        days.push(day);
        node.say(
            RU,
            StatementBody::ReportFiled(ReportFiled {
                report: shelling(
                    day,
                    "10:00",
                    i as f64 * 3.0,
                    Actor::Unknown("civilians".into()),
                ),
            }),
        )
        .await;
    }
    days
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_and_incidents_sort_by_day_over_the_whole_register() {
    let mut node = Node::new().await;
    let days = reports_on_days(&mut node, &[3, 0, 4, 1, 2]).await;
    let (from, to) = (days.iter().min().unwrap(), days.iter().max().unwrap());
    let dates = |page: &Value, field: &str| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let v = if field == "occurred" {
                    &r["fields"]["occurred"]
                } else {
                    &r["date"]
                };
                v.as_str().unwrap()[..10].to_string()
            })
            .collect()
    };
    let base = format!("/api/v1/reports?from={from}&to={to}");
    let first = node
        .get(&format!("{base}&sort=-date&limit=2"), Who::Guarantor)
        .await
        .json();
    assert_eq!(first["total"], 5);
    assert_eq!(
        dates(&first, "occurred"),
        [days[1].to_string(), days[3].to_string()]
    );
    let second = node
        .get(&format!("{base}&sort=-date&limit=2&offset=2"), Who::Public)
        .await
        .json();
    assert_eq!(
        dates(&second, "occurred"),
        [days[4].to_string(), days[0].to_string()]
    );
    let oldest = node
        .get(&format!("{base}&sort=date&limit=1"), Who::Public)
        .await
        .json();
    assert_eq!(dates(&oldest, "occurred"), [days[2].to_string()]);
    // The Record's order stays the default.
    let record = node.get(&base, Who::Public).await.json();
    assert_eq!(dates(&record, "occurred")[0], days[0].to_string());
    let incidents = node
        .get(
            &format!("/api/v1/incidents?from={from}&to={to}&sort=-date"),
            Who::Guarantor,
        )
        .await
        .json();
    let incident_days = dates(&incidents, "date");
    assert!(
        incident_days.windows(2).all(|w| w[0] >= w[1]),
        "{incident_days:?}"
    );
    let bad = node.get(&format!("{base}&sort=newest"), Who::Public).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "sort");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulletin_series_counts_each_day_as_its_bulletin_does() {
    let mut node = Node::new().await;
    let days = reports_on_days(&mut node, &[3, 0, 0, 1]).await;
    let (from, to) = (days.iter().min().unwrap(), days.iter().max().unwrap());
    let series = node
        .get(
            &format!("/api/v1/bulletin/series?from={from}&to={to}"),
            Who::Public,
        )
        .await
        .json();
    let listed: Vec<&str> = series["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 4, "every day of the range: {listed:?}");
    for (i, day) in listed.iter().enumerate() {
        let bulletin = node
            .get(&format!("/api/v1/bulletin?date={day}"), Who::Public)
            .await
            .json();
        let registered: u64 = bulletin["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["registered"].as_u64().unwrap())
            .sum();
        let counted: u64 = series["governorates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["counts"][i].as_u64().unwrap())
            .sum();
        assert_eq!(counted, registered, "{day}");
    }
    assert_eq!(series["governorates"][0]["code"], "SY-ID");
    for (query, field) in [
        (format!("from={to}&to={from}"), "from"),
        ("from=2020-01-01&to=2022-01-01".to_string(), "to"),
        (format!("to={to}"), "from"),
        (format!("from={from}&to=yesterday"), "to"),
    ] {
        let answer = node
            .get(&format!("/api/v1/bulletin/series?{query}"), Who::Public)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.json()["field"], field, "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_answers_are_gzipped_for_clients_that_ask() {
    use std::io::Read;
    let mut node = Node::new().await;
    let days = reports_on_days(&mut node, &[0, 1, 2, 3]).await;
    let uri = format!("/api/v1/reports?from={}&to={}", days[3], days[0]);
    let plain = fetch_static(&node, &uri, &[]).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = body_bytes(plain).await;
    assert!(
        plain.len() > 1024,
        "large enough to compress: {}",
        plain.len()
    );
    let zipped = fetch_static(&node, &uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped = body_bytes(zipped).await;
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
    assert!(zipped.len() < plain.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulletin_text_comes_in_the_mechanisms_languages() {
    let mut node = Node::new().await;
    let days = reports_on_days(&mut node, &[0]).await;
    let day = days[0];
    let english = node
        .get(
            &format!("/api/v1/bulletin?date={day}&format=text"),
            Who::Public,
        )
        .await;
    assert!(
        english.text.contains("registered 1 violation"),
        "{}",
        english.text
    );
    let same = node
        .get(
            &format!("/api/v1/bulletin?date={day}&format=text&lang=en"),
            Who::Public,
        )
        .await;
    assert_eq!(same.text, english.text);
    for (lang, words) in [
        ("ru", "зарегистрировано нарушений: 1"),
        ("tr", "1 ihlal kaydetti"),
        ("fa", "1 نقض ثبت کرد"),
        ("ar", "سُجّلت خروقات عددها 1"),
    ] {
        let answer = node
            .get(
                &format!("/api/v1/bulletin?date={day}&format=text&lang={lang}"),
                Who::Public,
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{lang}");
        assert!(answer.text.contains(words), "{lang}: {}", answer.text);
        assert!(
            !answer.text.contains("registered"),
            "{lang}: {}",
            answer.text
        );
    }
    let bad = node
        .get(
            &format!("/api/v1/bulletin?date={day}&format=text&lang=de"),
            Who::Public,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "lang");
}

/// A joining token names a member not yet in the Record: it reads nothing,
/// but asks for a key to be admitted as that member; the operator lists the
/// request and admits the key, and the same token then reads for the
/// member whose key signs, with no restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_asked_for_with_a_joining_token_is_admitted_as_the_tokens_member() {
    let mut node = Node::new().await;
    let newcomer = truce_model::MemberName::new("ru-monitor-2").unwrap();
    let joining = truce_node::create_token(
        node.dir.path(),
        &newcomer,
        truce_model::Role::GuarantorMember,
    )
    .unwrap();
    let operator_token = truce_node::create_token(
        node.dir.path(),
        &truce_model::MemberName::new("operator").unwrap(),
        truce_model::Role::Operator,
    )
    .unwrap();
    let whoami = node
        .request(Method::GET, "/api/v1/whoami", Some(&joining), Body::empty())
        .await;
    assert_eq!(whoami.status, StatusCode::UNAUTHORIZED, "reads nothing yet");

    let key = truce_record::MemberKey::generate();
    let ask = |token: Option<String>, value: Value| {
        let node = &node;
        async move {
            node.request(
                Method::POST,
                "/api/v1/join-requests",
                token.as_deref(),
                Body::from(value.to_string()),
            )
            .await
        }
    };
    let request = json!({"public_key": key.public_key().to_hex(), "party": "Russian Federation"});
    assert_eq!(
        ask(None, request.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad = ask(
        Some(joining.clone()),
        json!({"public_key": "abcd", "party": "Russian Federation"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.json()["field"], "public_key");
    // A member of the Record changes its key by rotating it, not by joining.
    let member = ask(Some(node.guarantor_token.clone()), request.clone()).await;
    assert_eq!(member.status, StatusCode::CONFLICT, "{}", member.text);
    let asked = ask(Some(joining.clone()), request).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text);
    let asked = asked.json();
    assert_eq!(asked["member"], "ru-monitor-2");
    assert_eq!(asked["role"], "guarantor_member");
    assert_eq!(asked["key_id"], key.key_id().to_hex());

    // Only a member who may admit sees the requests.
    assert_eq!(
        node.get("/api/v1/join-requests", Who::Guarantor)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        node.get("/api/v1/join-requests", Who::Public).await.status,
        StatusCode::UNAUTHORIZED
    );
    let listed = node
        .request(
            Method::GET,
            "/api/v1/join-requests",
            Some(&operator_token),
            Body::empty(),
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let listed = listed.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["public_key"], key.public_key().to_hex());

    node.say(
        OPERATOR,
        StatementBody::MemberAdmitted(truce_model::MemberAdmitted {
            member: newcomer.clone(),
            party: truce_model::Party::new("Russian Federation").unwrap(),
            role: truce_model::Role::GuarantorMember,
            public_key: key.public_key(),
        }),
    )
    .await;
    let whoami = node
        .request(Method::GET, "/api/v1/whoami", Some(&joining), Body::empty())
        .await;
    assert_eq!(whoami.status, StatusCode::OK, "{}", whoami.text);
    assert_eq!(whoami.json()["member"], "ru-monitor-2");
    let members = node
        .request(
            Method::GET,
            "/api/v1/members",
            Some(&joining),
            Body::empty(),
        )
        .await
        .json();
    let admitted = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key_id"] == key.key_id().to_hex())
        .expect("the key is a member's");
    assert_eq!(
        admitted["member"], "ru-monitor-2",
        "key and token name one member"
    );
    let listed = node
        .request(
            Method::GET,
            "/api/v1/join-requests",
            Some(&operator_token),
            Body::empty(),
        )
        .await
        .json();
    assert_eq!(listed, json!([]), "an admitted key no longer waits");
}
