//! Complaints from outside the mechanism, end to end over a real socket:
//! sent without an account, followed by reference, taken up as a report
//! or declined on the Record, and held to the node's rate.

use serde_json::{json, Value};
use truce_model::{Actor, ComplaintDeclined, Evidence, ReportFiled};
use truce_record::Body as StatementBody;

use crate::common::*;

async fn send(address: &str, body: &Value) -> RawAnswer {
    http(
        address,
        "POST",
        "/api/v1/complaints",
        &[("content-type", "application/json")],
        body.to_string().as_bytes(),
        false,
    )
    .await
}

async fn get(address: &str, path: &str, token: Option<&str>) -> RawAnswer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("authorization", b)])
        .unwrap_or_default();
    http(address, "GET", path, &headers, b"", false).await
}

/// A complaint as a resident would write it, after the layout of the
/// complaint forms that monitoring missions publish (what, where, when,
/// who, how to reach them).
fn resident(text: &str) -> Value {
    json!({
        "text": text,
        "place": "Maarrat al-Numan, eastern quarter near the grain silo",
        "occurred": yesterday().to_string(),
        "from": "a resident",
        "contact": "+963 900 000 000 (evenings)",
    })
}

#[tokio::test]
async fn a_complaint_is_sent_followed_taken_up_or_declined_and_rate_limited() {
    let mut node = Node::new().await;
    let served = node.serve(Default::default()).await;
    let address = &served.address;

    let empty = send(address, &json!({"text": "  "})).await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.json()["field"], "text", "{}", empty.json());
    let unknown = send(address, &json!({"text": "x", "secret_field": 1})).await;
    assert_eq!(unknown.status, 422, "unknown fields are refused");
    assert!(
        String::from_utf8_lossy(&unknown.body).contains("secret_field"),
        "naming the field"
    );

    let sent = send(
        address,
        &resident("Three shells hit the market at dawn; two people wounded."),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", String::from_utf8_lossy(&sent.body));
    let reference = sent.json()["reference"].as_str().unwrap().to_string();
    assert_eq!(sent.json()["status"], "waiting");

    // The complainant learns the status and nothing more.
    let status = get(address, &format!("/api/v1/complaints/{reference}"), None).await;
    assert_eq!(status.status, 200);
    let keys: Vec<String> = status.json().as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        ["received", "reference", "status"],
        "{}",
        status.json()
    );
    let missing = get(address, "/api/v1/complaints/C-AAAAA-AAAAA", None).await;
    assert_eq!(missing.status, 404);

    // The queue is the members'.
    assert_eq!(get(address, "/api/v1/complaints", None).await.status, 401);
    let listed = get(address, "/api/v1/complaints", Some(&node.observer_token)).await;
    assert_eq!(listed.status, 200);
    let first = listed.json()[0].clone();
    assert_eq!(first["reference"], reference.as_str());
    assert_eq!(first["status"], "waiting");
    assert_eq!(first["contact"], "+963 900 000 000 (evenings)");
    let sha256 = first["sha256"].as_str().unwrap().to_string();

    // A guarantor takes it up: the text becomes an evidence file and the
    // report names it.
    let evidence = http(
        address,
        "POST",
        &format!("/api/v1/complaints/{reference}/evidence"),
        &[("authorization", &format!("Bearer {}", node.guarantor_token))],
        b"",
        false,
    )
    .await;
    assert_eq!(
        evidence.status,
        201,
        "{}",
        String::from_utf8_lossy(&evidence.body)
    );
    let evidence: Evidence = serde_json::from_value(evidence.json()).unwrap();
    assert_eq!(evidence.sha256, sha256);
    let held = get(
        address,
        &format!("/api/v1/evidence/{sha256}"),
        Some(&node.guarantor_token),
    )
    .await;
    assert_eq!(
        held.status, 200,
        "the node holds the complaint's exact text"
    );
    let mut report = shelling(yesterday(), "05:40", 0.5, Actor::Unknown("market".into()));
    report.evidence.push(evidence);
    let filed = node
        .say(RU, StatementBody::ReportFiled(ReportFiled { report }))
        .await["position"]
        .as_u64()
        .unwrap();
    let status = get(address, &format!("/api/v1/complaints/{reference}"), None).await;
    assert_eq!(status.json()["status"], "adopted");
    let listed = get(address, "/api/v1/complaints", Some(&node.observer_token)).await;
    assert_eq!(listed.json()[0]["report"], format!("R-{filed}"));
    assert_eq!(listed.json()[0]["party"], "Russian Federation");

    // Another is declined, with the reason on the Record, and only once.
    let other = send(address, &resident("Gunfire heard all night to the north.")).await;
    let other_reference = other.json()["reference"].as_str().unwrap().to_string();
    let other_sha = get(
        address,
        "/api/v1/complaints?waiting=true",
        Some(&node.observer_token),
    )
    .await
    .json()[0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let decline = |sha: &str| {
        StatementBody::ComplaintDeclined(ComplaintDeclined {
            complaint: sha.into(),
            reason: "No place or time precise enough to verify.".into(),
        })
    };
    node.say(TR, decline(&other_sha)).await;
    let status = get(
        address,
        &format!("/api/v1/complaints/{other_reference}"),
        None,
    )
    .await;
    assert_eq!(status.json()["status"], "declined");
    assert!(!String::from_utf8_lossy(&status.body).contains("precise enough"));
    let twice = node.sign(IR, decline(&other_sha));
    let refused = node.submit(&twice).await;
    assert_eq!(refused.status.as_u16(), 422, "{}", refused.text);
    assert_eq!(refused.json()["field"], "complaint");
    // The refused statement took no sequence number.
    node.members[IR].seq -= 1;
    let adopted_too = node.sign(IR, decline(&sha256));
    let refused = node.submit(&adopted_too).await;
    assert!(
        refused.text.contains(&format!("R-{filed}")),
        "{}",
        refused.text
    );
    let late = http(
        address,
        "POST",
        &format!("/api/v1/complaints/{other_reference}/evidence"),
        &[("authorization", &format!("Bearer {}", node.guarantor_token))],
        b"",
        false,
    )
    .await;
    assert_eq!(late.status, 409, "a declined complaint is not taken up");

    // One address gets 5 at once (everyone together 20); then the node
    // says when to retry.
    let mut limited = None;
    for n in 0..25 {
        let answer = send(address, &resident(&format!("Complaint number {n}."))).await;
        if answer.status == 429 {
            limited = Some(answer);
            break;
        }
        assert_eq!(answer.status, 201);
    }
    let limited = limited.expect("a complaint refused for the rate");
    assert_eq!(limited.json()["code"], "rate_limited");
    let said = limited.json()["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(said.contains("one address"), "{said}");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=120).contains(&retry), "Retry-After {retry}");
}
