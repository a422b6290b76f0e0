//! Evidence files over real sockets: a guarantor uploads, the node checks
//! the hash and its limit, stores the file durably under its SHA-256 and
//! serves it to members as an attachment; a sweep removes uploads no
//! report names once the grace has passed.

use std::time::{Duration, SystemTime};

use crate::common::*;
use sha2::{Digest, Sha256};
use truce_model::{Actor, Evidence, ReportFiled};
use truce_record::Body as StatementBody;
use truce_server::EvidenceSettings;

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn settings(limit: u64, grace: Duration) -> EvidenceSettings {
    EvidenceSettings { limit, grace }
}

async fn put(served: &Served, sha256: &str, token: Option<&str>, body: &[u8]) -> RawAnswer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "image/jpeg")];
    if let Some(bearer) = &bearer {
        headers.push(("Authorization", bearer.as_str()));
    }
    http(
        &served.address,
        "PUT",
        &format!("/api/v1/evidence/{sha256}"),
        &headers,
        body,
        false,
    )
    .await
}

async fn get(served: &Served, sha256: &str, token: Option<&str>) -> RawAnswer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|b| ("Authorization", b.as_str()))
        .collect();
    http(
        &served.address,
        "GET",
        &format!("/api/v1/evidence/{sha256}"),
        &headers,
        b"",
        false,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guarantors_upload_evidence_and_members_download_it() {
    let mut node = Node::new().await;
    let served = node.serve(settings(4096, Duration::from_secs(3600))).await;
    let guarantor = node.guarantor_token.clone();
    let observer = node.observer_token.clone();
    let photo = b"\xff\xd8\xff\xe0 a small photograph of a crater".to_vec();
    let hash = sha(&photo);

    let first = put(&served, &hash, Some(&guarantor), &photo).await;
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.json()["sha256"], hash.as_str());
    assert_eq!(first.json()["bytes"], photo.len());
    let stored = node.dir.path().join("blobs").join(&hash[..2]).join(&hash);
    assert_eq!(std::fs::read(&stored).unwrap(), photo);
    // Again: the same answer's content, nothing rewritten.
    let before = std::fs::metadata(&stored).unwrap().len();
    let again = put(&served, &hash, Some(&guarantor), &photo).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["created"], false);
    assert_eq!(std::fs::metadata(&stored).unwrap().len(), before);

    // Bytes that do not hash to the path.
    let wrong = put(&served, &sha(b"something else"), Some(&guarantor), &photo).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json()["field"], "sha256");
    let not_hex = put(&served, "not-a-hash", Some(&guarantor), &photo).await;
    assert_eq!(not_hex.status, 400);
    assert_eq!(not_hex.json()["field"], "sha256");

    // Over the node's limit: said by Content-Length, or only as it streams.
    let large = vec![7u8; 5000];
    let too_large = put(&served, &sha(&large), Some(&guarantor), &large).await;
    assert_eq!(too_large.status, 413);
    assert_eq!(too_large.json()["code"], "payload_too_large");
    assert!(
        too_large.json()["error"]
            .as_str()
            .unwrap()
            .contains("4096 bytes"),
        "{}",
        too_large.json()
    );
    let bearer = format!("Bearer {guarantor}");
    let streamed = http(
        &served.address,
        "PUT",
        &format!("/api/v1/evidence/{}", sha(&large)),
        &[("Authorization", &bearer)],
        &large,
        true,
    )
    .await;
    assert_eq!(streamed.status, 413);
    assert!(!node
        .dir
        .path()
        .join("blobs")
        .join(&sha(&large)[..2])
        .exists());

    // Observers and the public upload nothing.
    let observed = put(&served, &hash, Some(&observer), &photo).await;
    assert_eq!(observed.status, 403);
    assert_eq!(observed.json()["code"], "forbidden");
    assert!(observed.json()["error"]
        .as_str()
        .unwrap()
        .contains("guarantor"));
    let anonymous = put(&served, &hash, None, &photo).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["code"], "unauthenticated");

    // Named by a report, it is served with the report's media type, as an
    // attachment the browser will not sniff.
    let mut report = shelling(yesterday(), "10:00", 0.0, Actor::Unknown("houses".into()));
    report.evidence.push(Evidence {
        sha256: hash.clone(),
        media_type: "image/jpeg".into(),
        bytes: photo.len() as u64,
        description: "crater.jpg".into(),
    });
    node.say(RU, StatementBody::ReportFiled(ReportFiled { report }))
        .await;
    for token in [&guarantor, &observer] {
        let file = get(&served, &hash, Some(token)).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.body, photo);
        assert_eq!(file.header("content-type"), Some("image/jpeg"));
        assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
        assert!(file
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment"));
    }
    assert_eq!(get(&served, &hash, None).await.status, 401);
    assert_eq!(
        get(&served, &sha(b"absent"), Some(&guarantor)).await.status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_not_cut_by_the_api_body_limit() {
    let node = Node::new().await;
    let served = node.serve(EvidenceSettings::default()).await;
    // Three times the 1 MiB limit of statements.
    let video: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let hash = sha(&video);
    let answer = put(&served, &hash, Some(&node.guarantor_token), &video).await;
    assert_eq!(
        answer.status,
        201,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let file = get(&served, &hash, Some(&node.observer_token)).await;
    assert_eq!(file.status, 200);
    assert_eq!(
        file.header("content-type"),
        Some("application/octet-stream")
    );
    assert!(file.body == video);
    // Statements keep theirs.
    let big = vec![b'x'; 2 * 1024 * 1024];
    let refused = http(
        &served.address,
        "POST",
        "/api/v1/statements",
        &[("Content-Type", "application/json")],
        &big,
        false,
    )
    .await;
    assert_eq!(refused.status, 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_keeps_what_the_record_names() {
    let mut node = Node::new().await;
    let grace = Duration::from_secs(2);
    let state = truce_server::AppState::new(node.ledger.clone(), node.dir.path())
        .with_evidence(settings(1024, grace));
    let served = node.serve(settings(1024, grace)).await;
    let token = node.guarantor_token.clone();
    let named = b"photo the report names".to_vec();
    let amended = b"photo only an earlier version names".to_vec();
    let orphan = b"photo nobody filed".to_vec();
    for bytes in [&named, &amended, &orphan] {
        assert_eq!(
            put(&served, &sha(bytes), Some(&token), bytes).await.status,
            201
        );
    }
    let evidence = |bytes: &[u8]| Evidence {
        sha256: sha(bytes),
        media_type: "image/png".into(),
        bytes: bytes.len() as u64,
        description: "photo".into(),
    };
    let mut report = shelling(yesterday(), "11:00", 0.0, Actor::Unknown("houses".into()));
    report.evidence.push(evidence(&amended));
    let filed = node
        .say(
            RU,
            StatementBody::ReportFiled(ReportFiled {
                report: report.clone(),
            }),
        )
        .await;
    report.evidence = vec![evidence(&named)];
    node.say(
        RU,
        StatementBody::ReportAmended(truce_model::ReportAmended {
            amends: truce_model::ReportId(filed["position"].as_u64().unwrap()),
            report,
            reason: "the right photograph".into(),
        }),
    )
    .await;
    // Within the grace nothing goes.
    let swept = state.sweep_evidence().await.unwrap();
    assert!(swept.blobs.is_empty(), "{swept:?}");
    // Past it, only the file no statement names.
    let path = |bytes: &[u8]| {
        let h = sha(bytes);
        node.dir.path().join("blobs").join(&h[..2]).join(&h)
    };
    for bytes in [&named, &amended, &orphan] {
        std::fs::File::options()
            .append(true)
            .open(path(bytes))
            .unwrap()
            .set_modified(SystemTime::now() - 2 * grace)
            .unwrap();
    }
    let swept = state.sweep_evidence().await.unwrap();
    assert_eq!(swept.blobs, vec![sha(&orphan)]);
    assert!(path(&named).exists() && path(&amended).exists() && !path(&orphan).exists());
}
