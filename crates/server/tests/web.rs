//! The endpoints the web interface needs, and the embedded pages.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use common::*;
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
