//! The review queue over HTTP: ingested texts become drafts, never statements.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, StatusCode};

const BULLETIN: &str = "Over the last 24 hours the Russian side registered 7 cases of firing in the \
    provinces of Latakia (6) and Aleppo (1); the Turkish side registered 4 cases of firing in Hama (2) \
    and Idlib (2).";

#[tokio::test]
async fn ingested_bulletins_become_drafts_for_guarantors_only() {
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
    // Observers read the queue but do not add to it: they file nothing.
    let observer = node
        .request(
            Method::POST,
            uri,
            node.token(Who::Observer),
            Body::from(BULLETIN),
        )
        .await;
    assert_eq!(observer.status, StatusCode::FORBIDDEN, "{}", observer.text);

    let answer = node
        .request(
            Method::POST,
            uri,
            node.token(Who::Guarantor),
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
    let listed = node.get("/api/v1/drafts", Who::Observer).await.json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], id);
    assert_eq!(listed["items"][0]["candidates"], 2);
    assert_eq!(listed["items"][0]["by"], "ru-monitor");
    // A page holds summaries, never the texts.
    assert!(listed["items"][0].get("text").is_none());
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
            node.token(Who::Guarantor),
            Body::from(vec![0u8, 159, 146, 150, 0, 1, 2]),
        )
        .await;
    assert_eq!(binary.status, StatusCode::BAD_REQUEST, "{}", binary.text);
    assert_eq!(binary.json()["field"], "body");
    let persian = node
        .request(
            Method::POST,
            "/api/v1/ingest",
            node.token(Who::Guarantor),
            Body::from("طرف روسیه در ۲۴ ساعت گذشته هفت مورد تیراندازی را در استان لاذقیه ثبت کرد"),
        )
        .await;
    assert_eq!(persian.status, StatusCode::BAD_REQUEST, "{}", persian.text);
    assert!(
        persian.text.contains("unsupported language"),
        "{}",
        persian.text
    );
    let format = node
        .request(
            Method::POST,
            "/api/v1/ingest?format=pdf",
            node.token(Who::Guarantor),
            Body::from("x"),
        )
        .await;
    assert_eq!(format.json()["field"], "format");
}

/// Sixteen members' ingests at once: every draft is whole, holds its own
/// request's text, and has an id of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingests_make_distinct_intact_drafts() {
    let node = Node::new().await;
    let served = node.serve(truce_server::EvidenceSettings::default()).await;
    let bearer = format!("Bearer {}", node.guarantor_token);
    let mut requests = Vec::new();
    for i in 0..16u32 {
        let (address, bearer) = (served.address.clone(), bearer.clone());
        requests.push(tokio::spawn(async move {
            let text = format!(
                "Over the last 24 hours the Russian side registered {} cases of firing in the \
                 provinces of Latakia ({}) and Aleppo (1).",
                i + 2,
                i + 1
            );
            let answer = http(
                &address,
                "POST",
                "/api/v1/ingest?published=2026-01-17",
                &[("Authorization", bearer.as_str())],
                text.as_bytes(),
                false,
            )
            .await;
            assert_eq!(
                answer.status,
                201,
                "{}",
                String::from_utf8_lossy(&answer.body)
            );
            let drafts = answer.json();
            assert_eq!(drafts.as_array().unwrap().len(), 1);
            (drafts[0]["id"].as_u64().unwrap(), text)
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for request in requests {
        let (id, text) = request.await.unwrap();
        assert!(ids.insert(id), "draft id {id} given twice");
        let shown = node
            .get(&format!("/api/v1/drafts/{id}"), Who::Guarantor)
            .await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
        assert_eq!(shown.json()["text"], text.as_str(), "draft {id}");
    }
    let listed = node
        .get("/api/v1/drafts?limit=1000", Who::Guarantor)
        .await
        .json();
    assert_eq!(listed["total"], 16);
    let leftovers: Vec<String> = std::fs::read_dir(node.dir.path().join("drafts"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A member's quota, then the node's, refuse more with 429 and say what
/// to do; discarding makes room again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_held_to_quotas() {
    let node = Node::new().await;
    let quota = truce_node::drafts::DraftQuota {
        member_bytes: u64::MAX,
        member_drafts: 2,
        total_bytes: u64::MAX,
        total_drafts: 3,
    };
    let router = truce_server::router(
        truce_server::AppState::new(node.ledger.clone(), node.dir.path()).with_draft_quota(quota),
    );
    let ingest = |token: String| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let request = axum::http::Request::builder()
                .method(Method::POST)
                .uri("/api/v1/ingest?published=2026-01-17")
                .header("Authorization", format!("Bearer {token}"))
                .body(Body::from(BULLETIN))
                .unwrap();
            let answer = router.oneshot(request).await.unwrap();
            let status = answer.status();
            let body = http_body_util::BodyExt::collect(answer.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let ru = node.guarantor_token.clone();
    let tr = truce_node::create_token(
        node.dir.path(),
        &truce_model::MemberName::new("tr-monitor").unwrap(),
        truce_model::Role::GuarantorMember,
    )
    .unwrap();
    for _ in 0..2 {
        assert_eq!(ingest(ru.clone()).await.0, StatusCode::CREATED);
    }
    let (status, body) = ingest(ru.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body.contains("ru-monitor") && body.contains("discard"),
        "{body}"
    );
    assert_eq!(ingest(tr.clone()).await.0, StatusCode::CREATED);
    let (status, body) = ingest(tr.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("this node keeps at most 3 drafts"), "{body}");

    truce_node::drafts::DraftQueue::in_data_dir(node.dir.path())
        .discard(1)
        .unwrap();
    assert_eq!(ingest(ru).await.0, StatusCode::CREATED);
}
