//! Requests for clarification between the parties, end to end: asked of
//! another party about an incident with a date to answer by, answered only
//! by the party asked and only once, a late answer kept and counted late,
//! and the bulletin telling how many wait and how many came late.

use std::time::Duration;

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use truce_model::{
    Actor, Party, ReportFiled, RequestAnswered, RequestId, RequestMade, RequestSubject,
};
use truce_record::Body as StatementBody;

use crate::common::*;

fn ask(to: &str, incident: u64, reply_by: Timestamp) -> StatementBody {
    StatementBody::RequestMade(RequestMade {
        to: Party::new(to).unwrap(),
        about: RequestSubject::Incident(truce_model::ReportId(incident)),
        question: "Which of your units held the checkpoint south of the town at 06:00?".into(),
        reply_by,
    })
}

#[tokio::test]
async fn a_request_is_asked_answered_late_and_counted_in_the_bulletin() {
    let mut node = Node::new().await;
    let day = yesterday();
    let report = node
        .say(
            RU,
            StatementBody::ReportFiled(ReportFiled {
                report: shelling(day, "06:10", 1.0, Actor::Unknown("civilians".into())),
            }),
        )
        .await["position"]
        .as_u64()
        .unwrap();

    // Refusals name the field: asking oneself, an unknown incident, a date
    // already past.
    let soon = Timestamp::now() + SignedDuration::from_secs(2);
    for (body, field) in [
        (ask("Russian Federation", report, soon), "to"),
        (
            ask("Republic of Türkiye", report + 100, soon),
            "about.incident",
        ),
        (
            ask(
                "Republic of Türkiye",
                report,
                Timestamp::now() - SignedDuration::from_hours(1),
            ),
            "reply_by",
        ),
        (ask("Atlantis", report, soon), "to"),
    ] {
        let signed = node.sign(RU, body);
        let refused = node.submit(&signed).await;
        node.members[RU].seq -= 1;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert_eq!(refused.json()["field"], field, "{}", refused.text);
    }

    let asked = node.say(RU, ask("Republic of Türkiye", report, soon)).await["position"]
        .as_u64()
        .unwrap();
    let id = format!("Q-{asked}");
    let listed = node
        .get("/api/v1/requests?state=open", Who::Observer)
        .await
        .json();
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["about"], format!("R-{report}"));
    assert_eq!(listed[0]["to"], "Republic of Türkiye");
    assert_eq!(
        node.get("/api/v1/requests", Who::Public).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad = node.get("/api/v1/requests?state=late", Who::Observer).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "state");

    // Only the party asked answers.
    let answer = |text: &str| {
        StatementBody::RequestAnswered(RequestAnswered {
            request: RequestId(asked),
            answer: text.into(),
        })
    };
    let signed = node.sign(IR, answer("Not ours to say."));
    let wrong = node.submit(&signed).await;
    node.members[IR].seq -= 1;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text.contains("asked of Republic of Türkiye"),
        "{}",
        wrong.text
    );

    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let overdue = node
        .get(&format!("/api/v1/requests/{id}"), Who::Observer)
        .await
        .json();
    assert_eq!(overdue["state"], "overdue");
    node.say(
        TR,
        answer("A border guard post; it reports no fire that morning."),
    )
    .await;
    let answered = node
        .get(&format!("/api/v1/requests/{id}"), Who::Guarantor)
        .await
        .json();
    assert_eq!(answered["state"], "answered_late");
    assert_eq!(answered["answer"]["member"], "tr-monitor");
    let signed = node.sign(TR, answer("Again."));
    let twice = node.submit(&signed).await;
    node.members[TR].seq -= 1;
    assert!(twice.text.contains("answered already"), "{}", twice.text);

    // A second request, still waiting, and the bulletin of today counts both.
    let later = Timestamp::now() + SignedDuration::from_hours(48);
    node.say(TR, ask("Russian Federation", report, later)).await;
    let today = day.tomorrow().unwrap();
    let bulletin = node
        .get(
            &format!("/api/v1/bulletin?from={day}&to={today}&format=text"),
            Who::Public,
        )
        .await;
    assert!(
        bulletin.text.contains(
            "Requests for clarification: 1 awaiting an answer, 0 overdue, 1 answered (1 late)."
        ),
        "{}",
        bulletin.text
    );
    let json = node
        .get(
            &format!("/api/v1/bulletin?from={day}&to={today}"),
            Who::Public,
        )
        .await
        .json();
    assert_eq!(json["requests"]["answered_late"], 1);
    assert_eq!(json["requests"]["open"], 1);
}
