//! A verification case over the API: opened on an incident, tasked,
//! visited and closed by the three guarantor parties' positions, read by
//! members through `/api/v1/cases`, refused to the public, and counted in
//! the bulletin.

use axum::http::StatusCode;
use jiff::Timestamp;
use truce_model::{
    Actor, CaseId, CaseOpened, CasePosition, CaseSubject, CaseTasked, CaseVisited, ReportFiled,
    ReportId, Severity, VisitPlace,
};
use truce_record::Body as StatementBody;

use crate::common::*;

fn position(case: CaseId, severity: Severity) -> StatementBody {
    StatementBody::CasePosition(CasePosition {
        case,
        severity,
        responsible: None,
        reason: "Fire from an unidentified position; no formation can be named.".into(),
    })
}

#[tokio::test]
async fn a_case_is_opened_tasked_visited_and_closed_over_the_api() {
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
    let opened = node
        .say(
            TR,
            StatementBody::CaseOpened(CaseOpened {
                about: CaseSubject::Incident(ReportId(report)),
                question: "Did the fire come from the positions west of the town?".into(),
            }),
        )
        .await["position"]
        .as_u64()
        .unwrap();
    let case = CaseId(opened);
    let path = format!("/api/v1/cases/{case}");

    // Members read it; the public may not.
    for who in [Who::Public] {
        assert_eq!(node.get(&path, who).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            node.get("/api/v1/cases", who).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let fresh = node.get(&path, Who::Observer).await.json();
    assert_eq!(fresh["step"], "opened");
    assert_eq!(fresh["awaiting"], "tasked");
    assert_eq!(fresh["overdue"], false);
    assert_eq!(fresh["about"], format!("R-{report}"));

    // A position before any visit is refused by name.
    let signed = node.sign(RU, position(case, Severity::RelevantIncident));
    let early = node.submit(&signed).await;
    node.members[RU].seq -= 1;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.text
    );
    assert_eq!(early.json()["field"], "case", "{}", early.text);

    node.say(
        IR,
        StatementBody::CaseTasked(CaseTasked {
            case,
            team: "Joint team Idlib-1".into(),
            instructions: "Visit the eastern outskirts and interview the shop owners.".into(),
        }),
    )
    .await;
    node.say(
        IR,
        StatementBody::CaseVisited(CaseVisited {
            case,
            visited_at: Timestamp::now(),
            place: VisitPlace {
                name: "Eastern outskirts".into(),
                lat: 35.93,
                lon: 36.65,
            },
            team_members: vec!["team lead".into(), "medic".into()],
            interviews: 3,
            evidence: vec![],
            summary: "Shrapnel marks on two shop fronts; three witnesses heard mortar fire.".into(),
        }),
    )
    .await;
    let listed = node
        .get("/api/v1/cases?step=visited", Who::Guarantor)
        .await
        .json();
    assert_eq!(listed[0]["id"], case.to_string());
    assert_eq!(listed[0]["visits"][0]["interviews"], 3);
    let on_incident = node
        .get(&format!("/api/v1/cases?incident=R-{report}"), Who::Observer)
        .await
        .json();
    assert_eq!(on_incident.as_array().unwrap().len(), 1);
    let bad = node.get("/api/v1/cases?step=reviewed", Who::Observer).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "step");
    let bad = node.get("/api/v1/cases?overdue=maybe", Who::Observer).await;
    assert_eq!(bad.json()["field"], "overdue");

    for who in [RU, TR, IR] {
        node.say(who, position(case, Severity::MinorViolation))
            .await;
    }
    let closed = node.get(&path, Who::Observer).await.json();
    assert_eq!(closed["step"], "closed");
    assert_eq!(closed["finding"]["severity"], "minor_violation");
    assert_eq!(
        closed["finding"]["endorsed_by"].as_array().unwrap().len(),
        3
    );
    assert_eq!(closed["finding"]["late"], false);
    assert_eq!(closed["positions"].as_array().unwrap().len(), 3);
    assert_eq!(
        node.get("/api/v1/cases/V-99999", Who::Observer)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let today = day.tomorrow().unwrap();
    let bulletin = node
        .get(
            &format!("/api/v1/bulletin?from={day}&to={today}"),
            Who::Public,
        )
        .await
        .json();
    assert_eq!(bulletin["cases"]["opened"], 1, "{bulletin}");
    assert_eq!(bulletin["cases"]["closed"], 1);
    assert_eq!(bulletin["cases"]["by_severity"]["minor_violation"], 1);
    let text = node
        .get(
            &format!("/api/v1/bulletin?from={day}&to={today}&format=text&lang=tr"),
            Who::Public,
        )
        .await
        .text;
    assert!(
        text.contains("Doğrulama dosyaları: 1 açıldı, 1 kapandı"),
        "{text}"
    );
}
