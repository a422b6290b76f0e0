//! The review queue over HTTP: ingested texts become drafts, never statements.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::*;

const BULLETIN: &str = "Over the last 24 hours the Russian side registered 7 cases of firing in the \
    provinces of Latakia (6) and Aleppo (1); the Turkish side registered 4 cases of firing in Hama (2) \
    and Idlib (2).";

#[tokio::test]
async fn ingested_bulletins_become_drafts_for_members_only() {
    let node = Node::new().await;
    let before = node.ledger.size();
    let uri = "/api/v1/ingest?published=2026-01-17";
    let public = node
        .request(
            Method::POST,
            uri,
            node.token(Who::Public),
            Body::from(BULLETIN),
        )
        .await;
    assert_eq!(public.status, StatusCode::UNAUTHORIZED, "{}", public.text);

    let answer = node
        .request(
            Method::POST,
            uri,
            node.token(Who::Observer),
            Body::from(BULLETIN),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let drafts = answer.json();
    assert_eq!(drafts.as_array().unwrap().len(), 1);
    let candidates = drafts[0]["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    assert_eq!(candidates[0]["total"], 7);

    let id = drafts[0]["id"].as_u64().unwrap();
    let shown = node
        .get(&format!("/api/v1/drafts/{id}"), Who::Guarantor)
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    let rendered = shown.json()["rendered"].as_str().unwrap().to_string();
    assert!(
        rendered.contains("[[Latakia (6)|governorate:SY-LA]]"),
        "{rendered}"
    );
    let listed = node.get("/api/v1/drafts", Who::Guarantor).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        node.get("/api/v1/drafts", Who::Public).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Reading never files anything.
    assert_eq!(node.ledger.size(), before);
}

#[tokio::test]
async fn unreadable_input_is_refused_with_a_reason() {
    let node = Node::new().await;
    let binary = node
        .request(
            Method::POST,
            "/api/v1/ingest",
            node.token(Who::Observer),
            Body::from(vec![0u8, 159, 146, 150, 0, 1, 2]),
        )
        .await;
    assert_eq!(binary.status, StatusCode::BAD_REQUEST, "{}", binary.text);
    assert_eq!(binary.json()["field"], "body");
    let russian = node
        .request(
            Method::POST,
            "/api/v1/ingest",
            node.token(Who::Observer),
            Body::from("За последние сутки российская сторона зарегистрировала семь нарушений режима прекращения огня в провинции Латакия."),
        )
        .await;
    assert_eq!(russian.status, StatusCode::BAD_REQUEST, "{}", russian.text);
    assert!(
        russian.text.contains("unsupported language"),
        "{}",
        russian.text
    );
    let format = node
        .request(
            Method::POST,
            "/api/v1/ingest?format=pdf",
            node.token(Who::Observer),
            Body::from("x"),
        )
        .await;
    assert_eq!(format.json()["field"], "format");
}
