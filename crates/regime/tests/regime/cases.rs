//! A verification case from allegation to endorsed finding: each step's
//! refusals, its deadlines, the severity the parties agree on, and what the
//! bulletin and the measures ladder make of it.

use jiff::{SignedDuration, Timestamp};
use truce_model::{
    Actor, CaseId, CaseOpened, CasePosition, CaseSubject, CaseTasked, CaseVisited,
    ComplaintDeclined, Evidence, FormationId, FormationRegistered, FormationStatus,
    FormationStatusChanged, ReportFiled, ReportId, Severity, Side, VisitPlace,
};
use truce_record::{Body, Rejection};
use truce_regime::{CaseStep, ComplaintOutcome, Edition, Language};
use truce_testkit::{reports, Mechanism, IR, RU, TR, UN};

const OPENED: &str = "2026-11-20T16:00:00Z";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// `days` (and `hours`) after the case was opened.
fn after(days: i64, hours: i64) -> Timestamp {
    at(OPENED)
        .checked_add(SignedDuration::from_hours(days * 24 + hours))
        .unwrap()
}

fn izza() -> FormationId {
    FormationId::new("jaysh-al-izza").unwrap()
}

fn refused_on(result: Result<u64, Rejection>, field: &str, words: &str) {
    match result {
        Err(Rejection::Rule { field: f, reason }) => {
            assert_eq!(f, field, "{reason}");
            assert!(reason.contains(words), "{reason}");
        }
        other => panic!("expected a refusal on {field}, got {other:?}"),
    }
}

/// A mechanism with the formation in the ceasefire and one shelling
/// attributed to it by the Russian report, filed the day before the case.
fn with_an_incident() -> (Mechanism, ReportId) {
    let mut m = Mechanism::new();
    let t = at("2026-11-20T12:00:00Z");
    m.say_at(
        RU,
        t,
        Body::FormationRegistered(FormationRegistered {
            formation: izza(),
            name: "Jaysh al-Izza".into(),
            aliases: vec![],
            side: Side::Opposition,
        }),
    )
    .unwrap();
    m.say_at(
        RU,
        t,
        Body::FormationStatusChanged(FormationStatusChanged {
            formation: izza(),
            status: FormationStatus::Joined,
            valid_from: "2016-12-30".parse().unwrap(),
            reference: "Ankara agreement of 29 December 2016".into(),
        }),
    )
    .unwrap();
    let mut report = reports::shelling(
        "2026-11-20T14:30".parse().unwrap(),
        35.28,
        36.62,
        "Kafr Zita",
    );
    report.perpetrator = Actor::Formation(izza());
    let position = m
        .say_at(RU, t, Body::ReportFiled(ReportFiled { report }))
        .unwrap();
    (m, ReportId(position))
}

fn position(case: CaseId, severity: Severity, responsible: Option<FormationId>) -> Body {
    Body::CasePosition(CasePosition {
        case,
        severity,
        responsible,
        reason: "Craters and fragments consistent with 120 mm mortar fire from the west.".into(),
    })
}

fn visit(case: CaseId, visited_at: Timestamp) -> Body {
    Body::CaseVisited(CaseVisited {
        case,
        visited_at,
        place: VisitPlace {
            name: "Kafr Zita, market street".into(),
            lat: 35.28,
            lon: 36.62,
        },
        team_members: vec!["Team Hama-2 lead".into(), "interpreter".into()],
        interviews: 4,
        evidence: vec![Evidence {
            sha256: "c".repeat(64),
            media_type: "image/jpeg".into(),
            bytes: 2_400_000,
            description: "crater, looking west".into(),
        }],
        summary: "Two craters on the market street; four residents interviewed.".into(),
    })
}

#[test]
fn a_case_goes_from_allegation_to_an_endorsed_serious_violation_and_the_ladder_moves() {
    let (mut m, incident) = with_an_incident();
    let opened = Body::CaseOpened(CaseOpened {
        about: CaseSubject::Incident(incident),
        question: "Was the market shelled from the positions Jaysh al-Izza holds?".into(),
    });
    let case = CaseId(m.say_at(RU, at(OPENED), opened.clone()).unwrap());
    // One case at a time on an incident; observers take no part.
    refused_on(
        m.say_at(TR, after(0, 1), opened.clone()),
        "about",
        "is open on it already",
    );
    assert!(m
        .say_at(
            UN,
            after(0, 1),
            position(case, Severity::NotAnIncident, None)
        )
        .is_err());
    // Nothing is found before a team went; nobody visits before tasking.
    refused_on(
        m.say_at(
            TR,
            after(0, 1),
            position(case, Severity::SeriousViolation, Some(izza())),
        ),
        "case",
        "no visit recorded",
    );
    refused_on(
        m.say_at(TR, after(0, 1), visit(case, after(0, 1))),
        "case",
        "no team tasked",
    );

    let opened_case = m.register.cases().get(case).unwrap().clone();
    assert_eq!(opened_case.step(), CaseStep::Opened);
    // Tasking is due in two days by default: overdue after that.
    assert!(!opened_case.overdue_at(after(1, 23)));
    assert!(opened_case.overdue_at(after(2, 1)));

    m.say_at(
        TR,
        after(3, 0),
        Body::CaseTasked(CaseTasked {
            case,
            team: "Joint team Hama-2".into(),
            instructions: "Visit the market street, photograph the craters, interview residents."
                .into(),
        }),
    )
    .unwrap();
    let tasked = m.register.cases().get(case).unwrap().clone();
    assert_eq!(tasked.step(), CaseStep::Tasked);
    assert!(
        !tasked.overdue_at(after(6, 0)),
        "the visit is due within 7 days"
    );
    assert!(tasked.overdue_at(after(7, 1)));

    refused_on(
        m.say_at(IR, after(5, 0), visit(case, after(5, 1))),
        "visited_at",
        "after the statement",
    );
    refused_on(
        m.say_at(IR, after(5, 0), visit(case, after(-1, 0))),
        "visited_at",
        "before",
    );
    m.say_at(IR, after(5, 0), visit(case, after(4, 0))).unwrap();
    assert_eq!(
        m.register.cases().get(case).unwrap().step(),
        CaseStep::Visited
    );

    // Unknown formations are not held responsible; a non-violation has none.
    refused_on(
        m.say_at(
            RU,
            after(5, 2),
            position(
                case,
                Severity::SeriousViolation,
                Some(FormationId::new("nobody").unwrap()),
            ),
        ),
        "responsible",
        "nobody",
    );
    m.say_at(
        RU,
        after(5, 2),
        position(case, Severity::SeriousViolation, Some(izza())),
    )
    .unwrap();
    m.say_at(
        TR,
        after(5, 3),
        position(case, Severity::SeriousViolation, Some(izza())),
    )
    .unwrap();
    m.say_at(
        IR,
        after(5, 4),
        position(case, Severity::MinorViolation, Some(izza())),
    )
    .unwrap();
    // Unanimity: two of three agree, so the case stays open.
    assert!(m.register.cases().get(case).unwrap().closed.is_none());
    let day_before = m.register.config().day_of(after(5, 4));
    assert!(
        m.register.suggested_measures(day_before).is_empty(),
        "an open case weighs nothing on the ladder"
    );

    // Iran comes round: the finding is endorsed, six days after opening.
    m.say_at(
        IR,
        after(6, 0),
        position(case, Severity::SeriousViolation, Some(izza())),
    )
    .unwrap();
    let closed = m.register.cases().get(case).unwrap().clone();
    assert_eq!(closed.step(), CaseStep::Closed);
    let closure = closed.closed.as_ref().unwrap();
    assert_eq!(closure.severity, Severity::SeriousViolation);
    assert_eq!(closure.responsible, Some(izza()));
    assert_eq!(closure.endorsed_by.len(), 3);
    assert!(closure.dissent.is_empty());
    assert_eq!(
        closed.time_to_finding(),
        Some(SignedDuration::from_hours(6 * 24))
    );
    assert!(!closed.closed_late());
    refused_on(
        m.say_at(
            RU,
            after(6, 1),
            position(case, Severity::MinorViolation, Some(izza())),
        ),
        "case",
        "was closed",
    );

    // The ladder: one serious violation found by a case reaches the notice
    // (the report itself was never confirmed by assessments).
    let closing_day = m.register.config().day_of(after(6, 0));
    let suggested = m.register.suggested_measures(closing_day);
    assert_eq!(suggested.len(), 1, "{suggested:?}");
    assert_eq!(suggested[0].formation, izza());
    assert_eq!(suggested[0].step.id, "notice");
    assert_eq!(suggested[0].cases, vec![case]);
    assert!(
        suggested[0].reason.contains("1 serious violations"),
        "{}",
        suggested[0].reason
    );

    // The bulletin of the week counts the case and its time to finding.
    let week = m.register.bulletin(
        "Joint mechanism",
        "2026-11-20".parse().unwrap(),
        "2026-11-26".parse().unwrap(),
        Edition::Public,
    );
    assert_eq!(
        (week.cases.opened, week.cases.closed, week.cases.open),
        (1, 1, 0)
    );
    assert_eq!(week.cases.by_severity.get("serious_violation"), Some(&1));
    assert_eq!(week.cases.median_days_to_finding, Some(6.0));
    let text = week.to_text_in(Language::En);
    assert!(
        text.contains("Verification cases: 1 opened, 1 closed; 0 open, of which 0 overdue."),
        "{text}"
    );
    assert!(text.contains("serious violation: 1"), "{text}");
    assert!(text.contains("Median time to finding: 6.0 days."), "{text}");
    let russian = week.to_text_in(Language::Ru);
    assert!(russian.contains("серьёзное нарушение: 1"), "{russian}");

    // The day the tasking was late, the bulletin shows the case overdue.
    let late_day = m.register.bulletin(
        "Joint mechanism",
        "2026-11-22".parse().unwrap(),
        "2026-11-22".parse().unwrap(),
        Edition::Public,
    );
    assert_eq!(
        (
            late_day.cases.opened,
            late_day.cases.open,
            late_day.cases.overdue
        ),
        (0, 1, 1)
    );
    assert_eq!(late_day.cases.median_days_to_finding, None);
}

#[test]
fn a_case_on_a_complaint_takes_it_up_and_a_bulletin_without_cases_says_nothing_of_them() {
    let (mut m, _) = with_an_incident();
    let quiet = m
        .register
        .bulletin(
            "Joint mechanism",
            "2026-11-20".parse().unwrap(),
            "2026-11-20".parse().unwrap(),
            Edition::Public,
        )
        .to_text_in(Language::En);
    assert!(!quiet.contains("Verification cases"), "{quiet}");

    let complaint = "d".repeat(64);
    let opened = Body::CaseOpened(CaseOpened {
        about: CaseSubject::Complaint(complaint.clone()),
        question: "Residents say a checkpoint fired on a bus near Suran.".into(),
    });
    let case = CaseId(m.say_at(TR, at(OPENED), opened.clone()).unwrap());
    assert!(matches!(
        m.register.complaint_outcome(&complaint),
        Some(ComplaintOutcome::CaseOpened { case: c, .. }) if *c == case
    ));
    refused_on(
        m.say_at(
            RU,
            after(0, 1),
            Body::ComplaintDeclined(ComplaintDeclined {
                complaint: complaint.clone(),
                reason: "outside the zones".into(),
            }),
        ),
        "complaint",
        "taken up already by case",
    );
    // A complaint declined first cannot have a case opened on it.
    let other = "e".repeat(64);
    m.say_at(
        RU,
        after(0, 2),
        Body::ComplaintDeclined(ComplaintDeclined {
            complaint: other.clone(),
            reason: "a duplicate of an earlier complaint".into(),
        }),
    )
    .unwrap();
    refused_on(
        m.say_at(
            IR,
            after(0, 3),
            Body::CaseOpened(CaseOpened {
                about: CaseSubject::Complaint(other),
                question: "?".into(),
            }),
        ),
        "about.complaint",
        "declined it already",
    );
}
