//! Time no single member controls: the node refuses a claimed time far
//! from its own clock, and a vote that reaches it after the deadline,
//! whatever time the vote claims.

use crate::common::*;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use truce_model::{DecisionId, DecisionProposed, DecisionType, DecisionVote, Vote};
use truce_record::{Body as StatementBody, Statement};

fn note(text: &str) -> StatementBody {
    serde_json::from_value(serde_json::json!({"note": {"text": text, "refers_to": []}})).unwrap()
}

/// Signs with a claimed time of the member's choosing.
fn sign_claiming(
    node: &mut Node,
    who: usize,
    time: Timestamp,
    body: StatementBody,
) -> truce_record::SignedStatement {
    let member = &mut node.members[who];
    let statement = Statement::new(member.key.key_id(), member.seq, time, body);
    member.seq += 1;
    member.key.sign(&statement)
}

#[tokio::test]
async fn a_claimed_time_far_from_the_node_s_clock_is_refused() {
    let mut node = Node::new().await;
    let before = node.ledger.size();
    let in_2099: Timestamp = "2099-06-01T12:00:00Z".parse().unwrap();
    let signed = sign_claiming(&mut node, RU, in_2099, note("from the future"));
    let answer = node.submit(&signed).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert_eq!(answer.json()["field"], "time");
    assert!(answer.text.contains("node's clock"), "{}", answer.text);
    let an_hour_ago = Timestamp::now() - SignedDuration::from_hours(1);
    let signed = sign_claiming(&mut node, TR, an_hour_ago, note("from the past"));
    assert_eq!(
        node.submit(&signed).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(node.ledger.size(), before);
    // Within the skew (300 s by default) it is taken; the refused
    // statements used no sequence numbers.
    node.members[RU].seq -= 1;
    node.members[TR].seq -= 1;
    let a_minute_ago = Timestamp::now() - SignedDuration::from_secs(60);
    let signed = sign_claiming(&mut node, RU, a_minute_ago, note("a minute ago"));
    assert_eq!(node.submit(&signed).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_vote_that_arrives_after_the_deadline_is_late_whatever_it_claims() {
    let mut node = Node::new().await;
    let deadline = Timestamp::now() + SignedDuration::from_secs(2);
    let proposed = node
        .say(
            RU,
            StatementBody::DecisionProposed(DecisionProposed {
                decision_type: DecisionType::Other,
                title: "Joint patrols".into(),
                text: "The guarantors decide on joint patrols.".into(),
                deadline,
                references: vec![],
                measure: None,
                exchange: None,
                agreement: None,
                status: None,
                criteria: None,
                parameters: None,
            }),
        )
        .await;
    let decision = DecisionId(proposed["position"].as_u64().unwrap());
    let vote = |reason: &str| {
        StatementBody::DecisionVote(DecisionVote {
            decision,
            vote: Vote::Endorse,
            reason: reason.into(),
        })
    };
    node.say(TR, vote("in time")).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_600)).await;
    // Claims to be from before the deadline; reaches the node after it.
    let backdated = deadline - SignedDuration::from_secs(1);
    let signed = sign_claiming(&mut node, IR, backdated, vote("backdated"));
    let answer = node.submit(&signed).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert!(answer.text.contains("expired"), "{}", answer.text);
    let shown = node
        .get(&format!("/api/v1/decisions/{decision}"), Who::Guarantor)
        .await
        .json();
    assert_ne!(shown["status"], "adopted", "{shown}");
}
