//! The demo's follow-up of allegations: complaints from outside the
//! mechanism (one taken up by a verification case, one declined, one left
//! waiting), a case on a report from allegation to an endorsed finding
//! with its severity, a request for clarification answered late, a convoy
//! turned back (the agreement's own prohibited act, confirmed), and a
//! patrol denied access.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use jiff::{SignedDuration, Timestamp};
use truce_model::{
    AccessActor, AccessKind, AccessPlace, AccessRestricted, Actor, Assessment, CaseId, CaseOpened,
    CasePosition, CaseSubject, CaseTasked, CaseVisited, ComplaintDeclined, FormationId, Party,
    Point, Position, ReportFields, ReportId, RequestAnswered, RequestId, RequestMade,
    RequestSubject, Severity, ViolationType, VisitPlace,
};
use truce_node::complaints::{ComplaintBox, ComplaintForm};
use truce_record::Body;

use crate::demo::{Script, IR, RU, TR};
use crate::demo_data;

/// Complaints as residents and organisations send them: what happened,
/// where and when, in their own words.
fn complaints(today: jiff::civil::Date) -> Result<[ComplaintForm; 3]> {
    let day = |n: i64| today.checked_sub(jiff::Span::new().days(n));
    Ok([
        ComplaintForm {
            text: "Yesterday after the evening prayer shells fell on the vegetable market in Kafr Nabl. A stall burned and two men were hurt. The firing came from the hills to the west. We ask the guarantors to come and see.".into(),
            place: Some("Kafr Nabl".into()),
            occurred: Some(day(1)?),
            from: Some("a resident".into()),
            contact: Some("via the local council".into()),
        },
        ComplaintForm {
            text: "Our convoy of four trucks with flour was stopped at the checkpoint on the road to Saraqib and sent back. No reason was given.".into(),
            place: Some("Saraqib road".into()),
            occurred: Some(day(3)?),
            from: Some("a relief organisation".into()),
            contact: None,
        },
        ComplaintForm {
            text: "Gunfire at night near the school in Jisr al-Shughur, the children are afraid to go to class.".into(),
            place: Some("Jisr al-Shughur".into()),
            occurred: Some(day(2)?),
            from: Some("a teacher".into()),
            contact: None,
        },
    ])
}

pub async fn build(script: &mut Script<'_>, data_dir: &Path) -> Result<()> {
    let today = jiff::Zoned::now().date();
    let inbox = ComplaintBox::new(data_dir);
    let [market, convoy, school] = complaints(today)?;
    let market = inbox.submit(market, Timestamp::now())?;
    inbox.submit(convoy, Timestamp::now())?;
    let school = inbox.submit(school, Timestamp::now())?;

    // Türkiye opens a case on the market complaint, which takes it up.
    let on_complaint = script
        .say(
            TR,
            Body::CaseOpened(CaseOpened {
                about: CaseSubject::Complaint(market.sha256.clone()),
                question: "Was the Kafr Nabl market shelled, and from where?".into(),
            }),
        )
        .await?;
    // Russia declines the school complaint: no place or hour to verify,
    // and the post in the town heard nothing.
    script
        .say(
            RU,
            Body::ComplaintDeclined(ComplaintDeclined {
                complaint: school.sha256.clone(),
                reason: "No place or hour precise enough to verify; the observation post in the town reported no fire that week.".into(),
            }),
        )
        .await?;

    // A case from allegation to finding: Russia's report of shelling by a
    // formation inside the ceasefire, tasked, visited, and held a serious
    // violation by all three guarantors.
    let saa = FormationId::new("saa")?;
    let mut report = demo_data::case_report(today.yesterday()?)?;
    report.perpetrator = Actor::Formation(saa.clone());
    let report = ReportId(script.say(RU, demo_data::filed(report)).await?);
    let case = CaseId(
        script
            .say(
                RU,
                Body::CaseOpened(CaseOpened {
                    about: CaseSubject::Incident(report),
                    question: "Did the shells on Maarrat al-Nu'man come from the army positions to the south?".into(),
                }),
            )
            .await?,
    );
    script
        .say(
            TR,
            Body::CaseTasked(CaseTasked {
                case,
                team: "Joint team Idlib-2".into(),
                instructions: "Visit the impact points, measure the craters' direction, interview residents and the hospital.".into(),
            }),
        )
        .await?;
    script
        .say(
            IR,
            Body::CaseVisited(CaseVisited {
                case,
                visited_at: Timestamp::now(),
                place: VisitPlace {
                    name: "Maarrat al-Nu'man, eastern quarter".into(),
                    lat: 35.6473,
                    lon: 36.6740,
                },
                team_members: vec!["Team leader (Iran)".into(), "Officer (Türkiye)".into(), "Officer (Russian Federation)".into()],
                interviews: 6,
                evidence: vec![],
                summary: "Three craters oriented north-south; fragments of 122 mm rockets; a clinic's wall damaged; six residents interviewed.".into(),
            }),
        )
        .await?;
    for (who, severity) in [
        (RU, Severity::SeriousViolation),
        (TR, Severity::SeriousViolation),
        (IR, Severity::MinorViolation),
        (IR, Severity::SeriousViolation),
    ] {
        script
            .say(
                who,
                Body::CasePosition(CasePosition {
                    case,
                    severity,
                    responsible: Some(saa.clone()),
                    reason: match severity {
                        Severity::MinorViolation => "No one was killed; the clinic was empty.",
                        _ => "Rockets on a residential quarter with a clinic, from positions inside the ceasefire.",
                    }
                    .into(),
                }),
            )
            .await?;
    }
    // The complaint's case is tasked but not yet visited: it stays open.
    script
        .say(
            IR,
            Body::CaseTasked(CaseTasked {
                case: CaseId(on_complaint),
                team: "Observation post 9 (Türkiye)".into(),
                instructions: "Speak with the local council and the market traders.".into(),
            }),
        )
        .await?;

    // Russia asks Türkiye about the report with a short date; Türkiye
    // answers after it, so the answer is kept and counted late.
    let asked = script
        .say(
            RU,
            Body::RequestMade(RequestMade {
                to: Party::new("Republic of Türkiye")?,
                about: RequestSubject::Incident(report),
                question: "Which of your observation posts saw the rockets on Maarrat al-Nu'man, and at what time?".into(),
                reply_by: Timestamp::now() + SignedDuration::from_secs(2),
            }),
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    script
        .say(
            TR,
            Body::RequestAnswered(RequestAnswered {
                request: RequestId(asked),
                answer: "Post 7 heard three launches at about 21:40 local time, bearing south."
                    .into(),
            }),
        )
        .await?;
    convoy_and_patrol(script, today).await
}

/// A flour convoy turned back at a checkpoint, reported as the
/// agreement's prohibited act (art-5, a kind of obstruction) and confirmed
/// by the other two guarantors; and a joint patrol denied the road.
async fn convoy_and_patrol(script: &mut Script<'_>, today: jiff::civil::Date) -> Result<()> {
    let saa = FormationId::new("saa")?;
    let turned_back = ReportFields {
        occurred: today.yesterday()?.at(10, 15, 0, 0),
        location: truce_model::Location {
            lat: 35.8640,
            lon: 36.7960,
            precision: truce_model::GeoPrecision::Near,
            place: "Saraqib".into(),
        },
        violation_type: ViolationType::Obstruction,
        clause: Some("memorandum-2017/art-5".into()),
        perpetrator: Actor::Formation(saa.clone()),
        target: Actor::Unknown("a convoy of four flour trucks".into()),
        casualties: vec![],
        narrative: "The convoy was stopped at the checkpoint on the Saraqib road and sent back; no reason was given.".into(),
        ..demo_data::case_report(today.yesterday()?)?
    };
    let report = ReportId(script.say(RU, demo_data::filed(turned_back)).await?);
    for who in [TR, IR] {
        script
            .say(
                who,
                Body::Assessment(Assessment {
                    incident: report,
                    position: Position::Confirmed,
                    attributed_to: Some(saa.clone()),
                    reason: "The convoy's drivers and our liaison officer confirm it.".into(),
                    references: vec![],
                }),
            )
            .await?;
    }
    let now = Timestamp::now();
    script
        .say(
            TR,
            Body::AccessRestricted(AccessRestricted {
                by: AccessActor::Formation(saa),
                at: AccessPlace::Point(Point {
                    lat: 35.8640,
                    lon: 36.7960,
                }),
                kind: AccessKind::Denial,
                from: now - SignedDuration::from_hours(3),
                until: now - SignedDuration::from_hours(1),
                prevented: "The joint patrol to the checkpoint on the Saraqib road".into(),
            }),
        )
        .await?;
    Ok(())
}
