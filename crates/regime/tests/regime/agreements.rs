//! Agreements, zones, designations by decision, meetings and documents,
//! driven statement by statement.

use jiff::Timestamp;
use truce_model::{
    AgreementSpec, Clause, DecisionId, DecisionProposed, DecisionType, DecisionVote,
    DocumentApproved, DocumentVersion, FormationId, FormationRegistered, FormationStatus, Handle,
    MeetingLevel, MeetingRecorded, MeetingStatus, Side, StatusSpec, Vote, Zone, ZoneGeometry,
    ZoneKind,
};
use truce_record::{Body, Rejection};
use truce_regime::DecisionStatus;
use truce_testkit::{Mechanism, IR, OPERATOR, RU, TR, UN};

/// The decisions these tests take, proposed by Russia.
trait Decisions {
    fn propose(
        &mut self,
        decision_type: DecisionType,
        agreement: Option<AgreementSpec>,
        status: Option<StatusSpec>,
        references: Vec<u64>,
    ) -> DecisionId;
    fn vote(&mut self, who: usize, decision: DecisionId, vote: Vote);
}

impl Decisions for Mechanism {
    fn propose(
        &mut self,
        decision_type: DecisionType,
        agreement: Option<AgreementSpec>,
        status: Option<StatusSpec>,
        references: Vec<u64>,
    ) -> DecisionId {
        let proposal = DecisionProposed {
            decision_type,
            title: "Decision of the guarantors".into(),
            text: "As drafted at the expert meeting.".into(),
            deadline: "2099-01-01T00:00:00Z".parse().unwrap(),
            references,
            measure: None,
            exchange: None,
            agreement,
            status,
            criteria: None,
            parameters: None,
        };
        DecisionId(self.say(RU, Body::DecisionProposed(proposal)).unwrap())
    }

    fn vote(&mut self, who: usize, decision: DecisionId, vote: Vote) {
        let body = Body::DecisionVote(DecisionVote {
            decision,
            vote,
            reason: "our position".into(),
        });
        self.say(who, body).unwrap();
    }
}

fn handle(s: &str) -> Handle {
    Handle::new(s).unwrap()
}

fn memorandum() -> AgreementSpec {
    AgreementSpec {
        id: handle("memorandum-2017"),
        title: "Memorandum on the creation of de-escalation areas".into(),
        clauses: vec![Clause {
            id: handle("art-1"),
            text: "Hostilities cease within the areas.".into(),
            prohibits: None,
        }],
        zones: vec![
            Zone {
                id: handle("idlib"),
                name: "Idlib de-escalation area".into(),
                kind: ZoneKind::DeEscalation,
                geometry: ZoneGeometry::Polygon(vec![vec![
                    [36.2, 35.4],
                    [37.0, 35.4],
                    [37.0, 36.3],
                    [36.2, 36.3],
                    [36.2, 35.4],
                ]]),
                valid_from: "2017-05-06".parse().unwrap(),
                valid_to: None,
            },
            Zone {
                id: handle("m5-line"),
                name: "Separation line along the M5".into(),
                kind: ZoneKind::SeparationLine,
                geometry: ZoneGeometry::Line(vec![[36.60, 35.20], [36.70, 35.60]]),
                valid_from: "2018-09-17".parse().unwrap(),
                valid_to: None,
            },
        ],
    }
}

#[test]
fn an_adopted_agreement_puts_clauses_and_zones_in_force() {
    let mut m = Mechanism::new();
    let day: jiff::civil::Date = "2019-01-10".parse().unwrap();
    let decision = m.propose(DecisionType::Agreement, Some(memorandum()), None, vec![]);
    m.vote(TR, decision, Vote::Endorse);
    assert!(
        m.register.agreements().next().is_none(),
        "not in force before adoption"
    );
    assert!(m.register.zones_at(36.64, 35.93, day).is_empty());
    m.vote(IR, decision, Vote::Endorse);

    assert_eq!(
        m.register.clause("art-1").unwrap().1.text,
        "Hostilities cease within the areas."
    );
    assert!(m.register.clause("memorandum-2017/art-1").is_some());
    assert!(m.register.clause("other/art-1").is_none());
    let inside = m.register.zones_at(36.64, 35.93, day);
    assert_eq!(inside.len(), 1);
    assert_eq!(inside[0].zone.as_str(), "idlib");
    assert!(
        m.register
            .zones_at(36.64, 35.93, "2016-01-01".parse().unwrap())
            .is_empty(),
        "not before it held"
    );
    // A point 1 km or so east of the line, south of the area.
    let near = m.register.zones_at(36.635, 35.30, day);
    assert_eq!(near.len(), 1, "{near:?}");
    assert!(near[0].distance_m.unwrap() < 2_000.0);
    assert!(m.register.zones_at(38.0, 35.3, day).is_empty());
}

#[test]
fn a_designation_is_a_decision_and_changes_the_status_only_once_adopted() {
    let mut m = Mechanism::new();
    let formation = FormationId::new("jaysh-x").unwrap();
    m.say(
        RU,
        Body::FormationRegistered(FormationRegistered {
            formation: formation.clone(),
            name: "Jaysh X".into(),
            aliases: vec![],
            side: Side::Opposition,
        }),
    )
    .unwrap();
    let from: jiff::civil::Date = "2026-01-01".parse().unwrap();
    let spec = StatusSpec {
        formation: formation.clone(),
        status: FormationStatus::Excluded,
        valid_from: from,
    };
    let rejected = m.propose(DecisionType::Designation, None, Some(spec.clone()), vec![]);
    m.vote(TR, rejected, Vote::Object);
    assert!(matches!(
        m.register
            .decision(rejected)
            .unwrap()
            .status_at(Timestamp::now()),
        DecisionStatus::Rejected { .. }
    ));
    assert!(m
        .register
        .formation(&formation)
        .unwrap()
        .status_on(from)
        .is_none());

    let adopted = m.propose(DecisionType::Designation, None, Some(spec), vec![]);
    m.vote(TR, adopted, Vote::Endorse);
    m.vote(IR, adopted, Vote::Endorse);
    let status = m
        .register
        .formation(&formation)
        .unwrap()
        .status_on(from)
        .unwrap();
    assert_eq!(status.status, FormationStatus::Excluded);
    assert!(status.reference.contains(&adopted.to_string()));

    let unknown = StatusSpec {
        formation: FormationId::new("nobody").unwrap(),
        status: FormationStatus::Excluded,
        valid_from: from,
    };
    let proposal = DecisionProposed {
        decision_type: DecisionType::Designation,
        title: "t".into(),
        text: "t".into(),
        deadline: "2099-01-01T00:00:00Z".parse().unwrap(),
        references: vec![],
        measure: None,
        exchange: None,
        agreement: None,
        status: Some(unknown),
        criteria: None,
        parameters: None,
    };
    match m.say(RU, Body::DecisionProposed(proposal)) {
        Err(Rejection::Rule { field, .. }) => assert_eq!(field, "status.formation"),
        other => panic!("{other:?}"),
    }
}

fn meeting(status: MeetingStatus, date: &str, updates: Option<u64>) -> Body {
    Body::MeetingRecorded(MeetingRecorded {
        updates,
        level: MeetingLevel::Expert,
        status,
        place: "Tehran".into(),
        date: date.parse().unwrap(),
        participants: vec![
            "Russian Federation".into(),
            "Republic of Türkiye".into(),
            "Islamic Republic of Iran".into(),
        ],
        observers: vec!["United Nations".into()],
        agenda: vec![
            "Draft regulations of the ceasefire regime".into(),
            "Draft on the exchange of detainees".into(),
        ],
        summary: "Next expert meeting on 2 May, one day before the talks in Astana.".into(),
    })
}

#[test]
fn meetings_documents_and_approvals_follow_each_guarantor() {
    let mut m = Mechanism::new();
    let held = m
        .say(
            OPERATOR,
            meeting(MeetingStatus::Scheduled, "2017-04-18", None),
        )
        .unwrap();
    m.say(RU, meeting(MeetingStatus::Held, "2017-04-19", Some(held)))
        .unwrap();
    assert!(matches!(
        m.say(RU, meeting(MeetingStatus::Held, "2017-04-19", Some(9_999))),
        Err(Rejection::Rule { .. })
    ));
    assert!(matches!(
        m.say(UN, meeting(MeetingStatus::Held, "2017-04-19", None)),
        Err(Rejection::RoleMayNot { .. })
    ));
    let recorded = m.register.meetings().next().unwrap();
    assert_eq!(recorded.record.status, MeetingStatus::Held);
    assert_eq!(recorded.records.len(), 2);

    let sha = "ab".repeat(32);
    let version = DocumentVersion {
        document: handle("ceasefire-regime"),
        title: "Regulations of the ceasefire regime, draft 2".into(),
        sha256: sha.clone(),
        media_type: "text/markdown".into(),
        size: 1234,
        meeting: Some(held),
        note: String::new(),
    };
    m.say(OPERATOR, Body::DocumentVersion(version.clone()))
        .unwrap();
    assert!(
        matches!(
            m.say(RU, Body::DocumentVersion(version)),
            Err(Rejection::Rule { .. })
        ),
        "the same version twice"
    );
    for who in [RU, TR] {
        m.say(
            who,
            Body::DocumentApproved(DocumentApproved {
                document: handle("ceasefire-regime"),
                sha256: sha.clone(),
            }),
        )
        .unwrap();
    }
    let wrong = DocumentApproved {
        document: handle("ceasefire-regime"),
        sha256: "cd".repeat(32),
    };
    assert!(matches!(
        m.say(IR, Body::DocumentApproved(wrong)),
        Err(Rejection::Rule { .. })
    ));
    let approvals = &m
        .register
        .document(&handle("ceasefire-regime"))
        .unwrap()
        .versions[0]
        .approvals;
    assert_eq!(approvals.len(), 2);
    assert!(!approvals.contains_key("Islamic Republic of Iran"));

    let decision = m.propose(DecisionType::Document, None, None, vec![held]);
    assert_eq!(m.register.decisions_of_meeting(held)[0].id, decision);
}

#[test]
fn criteria_are_adopted_by_decision_and_a_bad_file_is_refused_with_its_line() {
    let mut m = Mechanism::new();
    let bad =
        "[[criterion]]\nid = \"adherence\"\nkind = \"declared_adherence\"\ncolour = \"red\"\n";
    let proposal = |text: &str| DecisionProposed {
        decision_type: DecisionType::Criteria,
        title: "Criteria of the regime".into(),
        text: "As drafted.".into(),
        deadline: "2099-01-01T00:00:00Z".parse().unwrap(),
        references: vec![],
        measure: None,
        exchange: None,
        agreement: None,
        status: None,
        criteria: Some(text.into()),
        parameters: None,
    };
    match m.say(RU, Body::DecisionProposed(proposal(bad))) {
        Err(Rejection::Rule { field, reason }) => {
            assert_eq!(field, "criteria");
            assert!(
                reason.contains("line 4") && reason.contains("colour"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    let good = "[[criterion]]\nid = \"adherence\"\nkind = \"declared_adherence\"\n";
    let id = DecisionId(m.say(RU, Body::DecisionProposed(proposal(good))).unwrap());
    assert!(m.register.adopted_criteria().is_none());
    m.vote(TR, id, Vote::Endorse);
    m.vote(IR, id, Vote::Endorse);
    let (decision, criteria) = m.register.adopted_criteria().unwrap();
    assert_eq!(decision, id);
    assert_eq!(criteria.criteria.len(), 1);
}

/// An agreement's own prohibited act: a clause that prohibits blocking
/// aid, a kind of obstruction. A report citing it must be an obstruction;
/// once confirmed, the bulletin counts it by act, a criterion may count
/// only such violations, and a ladder step may have a threshold of them.
#[test]
fn a_prohibited_act_is_cited_by_its_clause_and_counted_by_bulletin_criteria_and_ladder() {
    use truce_model::{
        Actor, Assessment, FormationStatusChanged, Position, ReportFields, ReportFiled,
        ViolationType,
    };
    use truce_regime::{Criteria, Edition, Language, RegisterConfig};
    use truce_testkit::reports;

    let mut config = RegisterConfig::default();
    // Only the act counts towards the notice here.
    config.ladder[0].confirmed_violations = 99;
    config.ladder[0].prohibited_acts = Some(1);
    let mut m = Mechanism::with_config(config);
    let mut agreement = memorandum();
    agreement.clauses.push(Clause {
        id: handle("art-9"),
        text: "The parties shall not impede humanitarian convoys.".into(),
        prohibits: Some(truce_model::ProhibitedAct {
            name: "Blocking humanitarian aid".into(),
            base_type: ViolationType::Obstruction,
        }),
    });
    let decision = m.propose(DecisionType::Agreement, Some(agreement), None, vec![]);
    m.vote(TR, decision, Vote::Endorse);
    m.vote(IR, decision, Vote::Endorse);
    let saa = FormationId::new("saa").unwrap();
    m.say(
        RU,
        Body::FormationRegistered(FormationRegistered {
            formation: saa.clone(),
            name: "Syrian Arab Army".into(),
            aliases: vec![],
            side: Side::Government,
        }),
    )
    .unwrap();
    m.say(
        RU,
        Body::FormationStatusChanged(FormationStatusChanged {
            formation: saa.clone(),
            status: FormationStatus::Joined,
            valid_from: "2016-12-30".parse().unwrap(),
            reference: "Ankara agreement".into(),
        }),
    )
    .unwrap();
    let blocked = |violation_type| ReportFields {
        violation_type,
        clause: Some("art-9".into()),
        perpetrator: Actor::Formation(saa.clone()),
        narrative: "A convoy of flour was turned back at the checkpoint.".into(),
        ..reports::near_khan_shaykhun("2026-11-20T09:00".parse().unwrap(), 0.0)
    };
    match m.say(
        RU,
        Body::ReportFiled(ReportFiled {
            report: blocked(ViolationType::Shelling),
        }),
    ) {
        Err(Rejection::Rule { field, reason }) => {
            assert_eq!(field, "report.clause");
            assert!(reason.contains("a kind of obstruction"), "{reason}");
        }
        other => panic!("a shelling cannot cite the aid clause: {other:?}"),
    }
    let report = truce_model::ReportId(
        m.say(
            RU,
            Body::ReportFiled(ReportFiled {
                report: blocked(ViolationType::Obstruction),
            }),
        )
        .unwrap(),
    );
    for who in [TR, IR] {
        m.say(
            who,
            Body::Assessment(Assessment {
                incident: report,
                position: Position::Confirmed,
                attributed_to: Some(saa.clone()),
                reason: "seen by our post".into(),
                references: vec![],
            }),
        )
        .unwrap();
    }
    let day = "2026-11-20".parse().unwrap();
    let bulletin = m.register.bulletin("Test", day, day, Edition::Public);
    let act = "memorandum-2017/art-9: Blocking humanitarian aid";
    assert_eq!(bulletin.findings.prohibited_acts.get(act), Some(&1));
    let text = bulletin.to_text_in(Language::En);
    assert!(
        text.contains(&format!(
            "Confirmed violations of prohibited acts: {act} (1)."
        )),
        "{text}"
    );

    let criterion = |acts: &str| {
        Criteria::from_toml(&format!(
            "[[criterion]]\nid = \"aid\"\nkind = \"no_confirmed_violations\"\ndays = 30\nacts = [{acts}]\n"
        ))
        .unwrap()
    };
    let on = "2026-11-21".parse().unwrap();
    let failing = m.register.compliance(&criterion("\"art-9\""), on);
    let saa_line = |lines: Vec<truce_regime::Compliance>| {
        lines.into_iter().find(|c| c.formation == saa).unwrap()
    };
    assert!(!saa_line(failing).complies, "the act was confirmed");
    let other_act = m
        .register
        .compliance(&criterion("\"memorandum-2017/art-1\""), on);
    assert!(saa_line(other_act).complies, "art-1 prohibits no act");
    let refused = Criteria::from_toml(
        "[[criterion]]\nid = \"x\"\nkind = \"declared_adherence\"\nacts = [\"art-9\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(refused.contains("acts"), "{refused}");

    let suggested = m.register.suggested_measures(on);
    let notice = suggested.iter().find(|s| s.formation == saa).unwrap();
    assert!(
        notice
            .reason
            .contains("1 confirmed violations of prohibited acts"),
        "{}",
        notice.reason
    );
}
