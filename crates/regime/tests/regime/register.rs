//! The register driven statement by statement, as the node and every
//! replaying verifier drive it.

use jiff::civil::Date;
use jiff::Timestamp;
use truce_model::{
    Actor, Assessment, Casualties, FormationId, FormationRegistered, FormationStatus,
    FormationStatusChanged, IncidentLink, Outcome, PersonStatus, Position, ReportFields,
    ReportFiled, ReportId, Side,
};
use truce_record::{Body, MemberKey, Rejection, Statement};
use truce_regime::{acled_csv, Edition, ExportLevel, FindingKind, FindingRule, RegisterConfig};

use truce_testkit::{reports, Mechanism, IR, RU, TR, UN};

/// The five-member mechanism finding under `rule`.
fn mechanism(rule: FindingRule) -> Mechanism {
    Mechanism::with_config(RegisterConfig {
        finding_rule: rule,
        ..RegisterConfig::default()
    })
}

/// The steps these tests take, as the members would.
trait Steps {
    fn formation(&mut self, id: &str, status: Option<(FormationStatus, Date)>);
    fn file(&mut self, who: usize, report: ReportFields) -> Result<ReportId, Rejection>;
    fn assess(&mut self, who: usize, incident: ReportId, position: Position);
}

impl Steps for Mechanism {
    fn formation(&mut self, id: &str, status: Option<(FormationStatus, Date)>) {
        let formation = FormationId::new(id).unwrap();
        self.say(
            RU,
            Body::FormationRegistered(FormationRegistered {
                formation: formation.clone(),
                name: id.to_uppercase(),
                aliases: vec![],
                side: Side::Opposition,
            }),
        )
        .unwrap();
        if let Some((status, valid_from)) = status {
            self.say(
                TR,
                Body::FormationStatusChanged(FormationStatusChanged {
                    formation,
                    status,
                    valid_from,
                    reference: "decision of the guarantors".into(),
                }),
            )
            .unwrap();
        }
    }

    fn file(&mut self, who: usize, report: ReportFields) -> Result<ReportId, Rejection> {
        self.say(who, Body::ReportFiled(ReportFiled { report }))
            .map(ReportId)
    }

    fn assess(&mut self, who: usize, incident: ReportId, position: Position) {
        self.say(
            who,
            Body::Assessment(Assessment {
                incident,
                position,
                attributed_to: None,
                reason: "seen by our post".into(),
                references: vec![],
            }),
        )
        .unwrap();
    }
}

/// Shelling of Khan Shaykhun (Idlib), `km_east` km east of the town.
fn shelling(at: &str, km_east: f64, target: Actor) -> ReportFields {
    ReportFields {
        target,
        narrative: "Artillery fire on the town.".into(),
        ..reports::near_khan_shaykhun(at.parse().unwrap(), km_east)
    }
}

fn civilians() -> Actor {
    Actor::Unknown("civilians".into())
}

#[test]
fn two_guarantors_report_one_shelling_and_the_third_confirms() {
    let mut m = mechanism(FindingRule::Unanimity);
    let ru = m
        .file(RU, shelling("2026-11-20T14:30", 0.0, civilians()))
        .unwrap();
    let tr = m
        .file(TR, shelling("2026-11-20T15:10", 1.5, civilians()))
        .unwrap();
    // Far away and later: a separate incident.
    m.file(TR, shelling("2026-11-20T15:00", 40.0, civilians()))
        .unwrap();
    let incidents = m.register.incidents();
    assert_eq!(incidents.len(), 2);
    assert_eq!(incidents[0].reports, vec![ru, tr]);

    let before = m.register.finding(&incidents[0]);
    assert_eq!(before.kind, FindingKind::Unconfirmed);
    // Both filers stand by their reports; Iran has not spoken, so unanimity fails.
    assert_eq!(
        before.dissent,
        vec![
            "Republic of Türkiye".to_string(),
            "Russian Federation".to_string()
        ]
    );
    assert!(!before.positions.contains_key("Islamic Republic of Iran"));

    m.assess(IR, tr, Position::Confirmed);
    let finding = m.register.finding(&m.register.incidents()[0]);
    assert!(matches!(
        finding.kind,
        FindingKind::ConfirmedViolation { .. }
    ));
    assert!(finding.dissent.is_empty());

    let day = "2026-11-20".parse().unwrap();
    let bulletin = m.register.bulletin("Test", day, day, Edition::Internal);
    let russia = &bulletin.parties[0];
    assert_eq!(russia.party, "Russian Federation");
    assert_eq!(russia.registered, 1);
    assert_eq!(russia.by_governorate[0].code, "SY-ID");
    assert_eq!(russia.confirmed_by["Republic of Türkiye"], 1);
    assert_eq!(russia.confirmed_by["Islamic Republic of Iran"], 1);
    let turkey = &bulletin.parties[1];
    assert_eq!(turkey.registered, 2);
    assert_eq!(turkey.confirmed_by["Russian Federation"], 1);
    assert_eq!(bulletin.findings.confirmed, 1);
    assert_eq!(bulletin.findings.unconfirmed, 1);
    let text = bulletin.to_text();
    assert!(
        text.contains("Russian Federation registered 1 violation in the province of Idlib (1)."),
        "{text}"
    );
    assert_eq!(bulletin.to_text_in(truce_regime::Language::En), text);
    // The mechanism's other languages: the same figures, names and
    // narratives, the sentences in the language, none left in English.
    for (language, sentence) in [
        (
            truce_regime::Language::Ru,
            "Russian Federation: зарегистрировано нарушений: 1; мухафазы: Idlib (1).",
        ),
        (
            truce_regime::Language::Tr,
            "Russian Federation 1 ihlal kaydetti: Idlib (1).",
        ),
        (
            truce_regime::Language::Fa,
            "Russian Federation 1 نقض ثبت کرد: Idlib (1).",
        ),
        (
            truce_regime::Language::Ar,
            "Russian Federation: سُجّلت خروقات عددها 1 في: Idlib (1).",
        ),
    ] {
        let translated = bulletin.to_text_in(language);
        assert!(translated.contains(sentence), "{translated}");
        for english in [
            "registered",
            "Findings:",
            "Formations:",
            "bulletin for",
            "Reports:",
            "confirmed",
        ] {
            assert!(!translated.contains(english), "{english} in {translated}");
        }
        assert!(
            translated.contains("Artillery fire on the town"),
            "{translated}"
        );
        assert_eq!(
            translated.lines().count(),
            text.lines().count(),
            "{translated}"
        );
    }

    let public = m.register.bulletin("Test", day, day, Edition::Public);
    assert!(public.reports.is_none());
    assert!(!serde_json::to_string(&public)
        .unwrap()
        .contains("Artillery fire on the town"));
}

fn killed(mut fields: ReportFields, best: u32) -> ReportFields {
    fields.casualties.push(Casualties {
        outcome: Outcome::Killed,
        status: PersonStatus::Civilian,
        low: best,
        best,
        high: best,
    });
    fields
}

fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .skip(1) // the HXL hashtags
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_acled_export_has_one_row_per_incident_and_counts_its_dead_once() {
    let mut m = mechanism(FindingRule::Unanimity);
    // One shelling reported by two guarantors with different counts, and
    // by a third report that counts no dead; a separate incident far away.
    let ru = m
        .file(
            RU,
            killed(shelling("2026-11-20T14:30", 0.0, civilians()), 3),
        )
        .unwrap();
    let tr = m
        .file(
            TR,
            killed(shelling("2026-11-20T15:10", 1.5, civilians()), 5),
        )
        .unwrap();
    let ir = m
        .file(IR, shelling("2026-11-20T15:20", 1.0, civilians()))
        .unwrap();
    let far = m
        .file(
            TR,
            killed(shelling("2026-11-20T15:00", 40.0, civilians()), 2),
        )
        .unwrap();
    let day: Date = "2026-11-20".parse().unwrap();
    let events = csv_rows(&acled_csv(
        &m.register,
        day,
        day,
        Edition::Internal,
        ExportLevel::Event,
    ));
    assert_eq!(events.len(), 2);
    let first = &events[0];
    assert_eq!(first["event_id_cnty"], format!("SYR{}", ru.0));
    assert_eq!(first["truce_reports"], format!("{ru} {tr} {ir}"));
    // ACLED's rule where sources differ: the lowest count of those that count.
    assert_eq!(first["fatalities"], "3");
    assert_eq!(first["truce_fatalities_reported"], format!("{ru}=3 {tr}=5"));
    assert_eq!(first["actor1"], "Unidentified Armed Group (Syria)");
    assert_eq!(first["actor2"], "Civilians (Syria)");
    assert_eq!(first["interaction"], "37");
    assert_eq!(first["civilian_targeting"], "Civilian targeting");
    assert_eq!(
        (first["iso"].as_str(), first["country"].as_str()),
        ("760", "Syria")
    );
    assert_eq!(first["year"], "2026");
    assert_eq!(events[1]["event_id_cnty"], format!("SYR{}", far.0));
    let total: u32 = events
        .iter()
        .map(|r| r["fatalities"].parse::<u32>().unwrap())
        .sum();
    assert_eq!(total, 5);

    let reports = csv_rows(&acled_csv(
        &m.register,
        day,
        day,
        Edition::Public,
        ExportLevel::Report,
    ));
    assert_eq!(reports.len(), 4);
    assert!(reports
        .iter()
        .all(|r| r["notes"].is_empty() && r["source"].is_empty()));
    let of_first: Vec<_> = reports
        .iter()
        .filter(|r| r["truce_incident"] == ru.to_string())
        .map(|r| r["fatalities"].as_str())
        .collect();
    assert_eq!(of_first, ["3", "5", "0"]);
}

#[test]
fn a_strike_on_an_excluded_formation_is_not_a_violation_from_its_designation_on() {
    let mut m = mechanism(FindingRule::Unanimity);
    m.formation(
        "hurras-al-din",
        Some((FormationStatus::Excluded, "2026-11-10".parse().unwrap())),
    );
    let target = Actor::Formation(FormationId::new("hurras-al-din").unwrap());
    let on_the_day = m
        .file(RU, shelling("2026-11-10T09:00", 0.0, target.clone()))
        .unwrap();
    let day_before = m
        .file(RU, shelling("2026-11-09T09:00", 0.0, target))
        .unwrap();
    let finding_of = |id| {
        let incident = m.register.incident_of(id).unwrap();
        m.register.finding(&incident).kind
    };
    assert!(matches!(
        finding_of(on_the_day),
        FindingKind::NotAViolation { .. }
    ));
    assert_eq!(finding_of(day_before), FindingKind::Unconfirmed);
}

#[test]
fn two_of_three_confirms_where_unanimity_does_not() {
    for (rule, confirmed) in [
        (FindingRule::Unanimity, false),
        (FindingRule::AtLeast(2), true),
    ] {
        let mut m = mechanism(rule);
        let report = m
            .file(RU, shelling("2026-11-20T14:30", 0.0, civilians()))
            .unwrap();
        m.assess(TR, report, Position::Confirmed);
        m.assess(IR, report, Position::Disputed);
        let finding = m.register.finding(&m.register.incidents()[0]);
        assert_eq!(
            matches!(finding.kind, FindingKind::ConfirmedViolation { .. }),
            confirmed
        );
        if confirmed {
            assert_eq!(
                finding.dissent,
                vec!["Islamic Republic of Iran".to_string()]
            );
        }
    }
}

#[test]
fn bad_reports_are_refused_by_field_and_change_nothing() {
    let mut m = mechanism(FindingRule::Unanimity);
    let mut outside = shelling("2026-11-20T14:30", 0.0, civilians());
    outside.location.lat = 33.3;
    outside.location.lon = 44.4; // Baghdad
    let unknown = shelling(
        "2026-11-20T14:30",
        0.0,
        Actor::Formation(FormationId::new("nobody").unwrap()),
    );
    let future = shelling("2099-01-01T00:00", 0.0, civilians());
    for (report, field) in [
        (outside, "report.location"),
        (unknown, "report.target"),
        (future, "report.occurred"),
    ] {
        match m.file(RU, report) {
            Err(Rejection::Rule { field: got, .. }) => assert_eq!(got, field),
            other => panic!("expected a refusal of {field}, got {other:?}"),
        }
    }
    assert_eq!(m.register.reports().count(), 0);
    // The member's sequence did not advance: its next report is accepted.
    m.file(RU, shelling("2026-11-20T14:30", 0.0, civilians()))
        .unwrap();
}

#[test]
fn observers_cannot_assess_and_only_the_filer_withdraws() {
    let mut m = mechanism(FindingRule::Unanimity);
    let report = m
        .file(RU, shelling("2026-11-20T14:30", 0.0, civilians()))
        .unwrap();
    let assessment = Body::Assessment(Assessment {
        incident: report,
        position: Position::Disputed,
        attributed_to: None,
        reason: "no".into(),
        references: vec![],
    });
    assert!(matches!(
        m.say(UN, assessment),
        Err(Rejection::RoleMayNot { .. })
    ));
    let withdraw = |reason: &str| {
        Body::ReportWithdrawn(truce_model::ReportWithdrawn {
            withdraws: report,
            reason: reason.into(),
        })
    };
    assert!(matches!(
        m.say(TR, withdraw("not ours")),
        Err(Rejection::Rule { .. })
    ));
    m.say(RU, withdraw("filed twice")).unwrap();
    assert!(m.register.incidents().is_empty());
}

#[test]
fn members_link_and_detach_reports() {
    let mut m = mechanism(FindingRule::Unanimity);
    let a = m
        .file(RU, shelling("2026-11-20T14:30", 0.0, civilians()))
        .unwrap();
    let b = m
        .file(TR, shelling("2026-11-20T14:30", 30.0, civilians()))
        .unwrap();
    assert_eq!(m.register.incidents().len(), 2);
    let link = |report, with| {
        Body::IncidentLinked(IncidentLink {
            report,
            with,
            reason: "same event per drone footage".into(),
        })
    };
    m.say(IR, link(b, Some(a))).unwrap();
    assert_eq!(m.register.incidents().len(), 1);
    m.say(IR, link(b, None)).unwrap();
    assert_eq!(m.register.incidents().len(), 2);
}

#[test]
fn coordinates_with_many_digits_stay_canonical() {
    let key = MemberKey::generate();
    for i in 0..2_000u32 {
        let mut report = shelling("2026-11-20T14:30", 0.0, civilians());
        report.location.lat = 35.0 + f64::from(i) * 0.000_123_456_789_1;
        report.location.lon = 36.0 + 1.0 / (f64::from(i) + 3.0);
        let body = Body::ReportFiled(ReportFiled { report });
        let statement = Statement::new(key.key_id(), 0, Timestamp::now(), body);
        Statement::from_bytes(&statement.to_bytes()).unwrap();
    }
}

#[test]
fn the_kept_grouping_equals_a_grouping_from_scratch() {
    let mut m = mechanism(FindingRule::Unanimity);
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..300 {
        let who = [RU, TR, IR][i % 3];
        let hour = (next() * 20.0) as u32;
        let at = format!("2026-11-{:02}T{:02}:00", 1 + (next() * 10.0) as u32, hour);
        let mut report = shelling(&at, next() * 60.0, civilians());
        report.location.lat += next() * 0.3;
        m.file(who, report).unwrap();
    }
    let kept: Vec<_> = m
        .register
        .incidents()
        .into_iter()
        .map(|i| i.reports)
        .collect();
    let scratch: Vec<_> = m
        .register
        .incidents_from_scratch()
        .into_iter()
        .map(|i| i.reports)
        .collect();
    assert_eq!(kept, scratch);
    assert!(
        kept.iter().any(|r| r.len() > 1),
        "no grouping happened at all"
    );
    assert!(kept.len() > 10, "everything grouped into few incidents");
}

fn propose(m: &mut Mechanism, deadline: &str) -> truce_model::DecisionId {
    let izza = FormationId::new("jaysh-al-izza").unwrap();
    if m.register.formation(&izza).is_none() {
        m.formation(
            "jaysh-al-izza",
            Some((FormationStatus::Joined, "2016-12-30".parse().unwrap())),
        );
    }
    propose_step(m, deadline, "notice", "2099-01-15")
}

fn propose_step(
    m: &mut Mechanism,
    deadline: &str,
    step: &str,
    comply_by: &str,
) -> truce_model::DecisionId {
    let position = m
        .say(
            RU,
            Body::DecisionProposed(truce_model::DecisionProposed {
                decision_type: truce_model::DecisionType::Measure,
                title: "Joint notice to the violator".into(),
                text: "The guarantors call on the formation to cease fire within 7 days.".into(),
                deadline: deadline.parse().unwrap(),
                references: vec![],
                exchange: None,
                agreement: None,
                status: None,
                criteria: None,
                parameters: None,
                measure: Some(truce_model::MeasureSpec {
                    formation: FormationId::new("jaysh-al-izza").unwrap(),
                    step: step.into(),
                    comply_by: comply_by.parse().unwrap(),
                }),
            }),
        )
        .unwrap();
    truce_model::DecisionId(position)
}

fn vote(
    m: &mut Mechanism,
    who: usize,
    decision: truce_model::DecisionId,
    vote: truce_model::Vote,
) -> Result<u64, Rejection> {
    m.say(
        who,
        Body::DecisionVote(truce_model::DecisionVote {
            decision,
            vote,
            reason: "our assessment of the findings".into(),
        }),
    )
}

#[test]
fn one_objection_rejects_under_unanimity_and_two_of_three_adopts() {
    use truce_model::{DecisionType, Vote};
    use truce_regime::DecisionStatus;
    let now = Timestamp::now();
    for (rule, adopted) in [
        (FindingRule::Unanimity, false),
        (FindingRule::AtLeast(2), true),
    ] {
        let mut config = RegisterConfig::default();
        config.decision_rules.insert(DecisionType::Measure, rule);
        let mut m = Mechanism::with_config(config);
        let decision = propose(&mut m, "2099-01-01T00:00:00Z");
        assert_eq!(
            m.register.decision(decision).unwrap().status_at(now),
            DecisionStatus::Open
        );
        vote(&mut m, TR, decision, Vote::Endorse).unwrap();
        let status = m.register.decision(decision).unwrap().status_at(now);
        if adopted {
            // Two of three (the proposer and Türkiye) adopt it at once.
            assert!(
                matches!(status, DecisionStatus::Adopted { .. }),
                "{status:?}"
            );
            assert!(
                vote(&mut m, IR, decision, Vote::Object).is_err(),
                "a settled decision takes no votes"
            );
        } else {
            vote(&mut m, IR, decision, Vote::Object).unwrap();
            let decision = m.register.decision(decision).unwrap();
            assert!(matches!(
                decision.status_at(now),
                DecisionStatus::Rejected { .. }
            ));
            assert_eq!(
                decision.dissent(),
                vec![("Islamic Republic of Iran", "our assessment of the findings")]
            );
        }
    }
}

#[test]
fn observers_cannot_vote_and_deadlines_close_the_vote() {
    use truce_model::Vote;
    use truce_regime::DecisionStatus;
    let mut m = mechanism(FindingRule::Unanimity);
    let decision = propose(&mut m, "2099-01-01T00:00:00Z");
    assert!(matches!(
        vote(&mut m, UN, decision, Vote::Endorse),
        Err(Rejection::RoleMayNot { .. })
    ));
    let later: Timestamp = "2099-01-02T00:00:00Z".parse().unwrap();
    assert_eq!(
        m.register.decision(decision).unwrap().status_at(later),
        DecisionStatus::Expired
    );
    // A deadline already past is refused when proposing.
    let refused = m.say(
        RU,
        Body::DecisionProposed(truce_model::DecisionProposed {
            decision_type: truce_model::DecisionType::Designation,
            title: "Late".into(),
            text: "Too late.".into(),
            deadline: "2020-01-01T00:00:00Z".parse().unwrap(),
            references: vec![],
            measure: None,
            exchange: None,
            agreement: None,
            status: None,
            criteria: None,
            parameters: None,
        }),
    );
    assert!(
        matches!(refused, Err(Rejection::Rule { ref field, .. }) if field == "deadline"),
        "{refused:?}"
    );
}

const CRITERIA: &str = r#"
[[criterion]]
id = "adherence"
kind = "declared_adherence"

[[criterion]]
id = "no-shelling"
kind = "no_confirmed_violations"
types = ["shelling"]
days = 30
max = 0
requires = ["adherence"]
"#;

#[test]
fn criteria_files_with_mistakes_are_refused_with_the_reason() {
    use truce_regime::Criteria;
    assert_eq!(Criteria::from_toml(CRITERIA).unwrap().criteria.len(), 2);
    let unknown_field = CRITERIA.replace("max = 0", "max = 0\nseverity = 3");
    let err = Criteria::from_toml(&unknown_field).unwrap_err().to_string();
    assert!(err.contains("severity") && err.contains("line"), "{err}");
    let bad_threshold = CRITERIA.replace("days = 30", "days = 0");
    let err = Criteria::from_toml(&bad_threshold).unwrap_err().to_string();
    assert!(err.contains("no-shelling.days"), "{err}");
    let cycle = CRITERIA.replace(
        "kind = \"declared_adherence\"",
        "kind = \"declared_adherence\"\nrequires = [\"no-shelling\"]",
    );
    let err = Criteria::from_toml(&cycle).unwrap_err().to_string();
    assert!(err.contains("cycle"), "{err}");
    let missing = CRITERIA.replace("requires = [\"adherence\"]", "requires = [\"nothing\"]");
    assert!(Criteria::from_toml(&missing)
        .unwrap_err()
        .to_string()
        .contains("nothing"));
}

#[test]
fn compliance_names_the_failed_criterion_and_the_reports_behind_it() {
    use truce_regime::Criteria;
    let criteria = Criteria::from_toml(CRITERIA).unwrap();
    let mut m = mechanism(FindingRule::Unanimity);
    m.formation(
        "jaysh-al-izza",
        Some((FormationStatus::Joined, "2016-12-30".parse().unwrap())),
    );
    m.formation("latecomer", None);
    let mut report = shelling("2026-11-20T14:30", 0.0, civilians());
    report.perpetrator = Actor::Formation(FormationId::new("jaysh-al-izza").unwrap());
    let id = m.file(RU, report).unwrap();
    for who in [TR, IR] {
        m.say(
            who,
            Body::Assessment(Assessment {
                incident: id,
                position: Position::Confirmed,
                attributed_to: Some(FormationId::new("jaysh-al-izza").unwrap()),
                reason: "seen".into(),
                references: vec![],
            }),
        )
        .unwrap();
    }
    let on = |date: &str| {
        m.register
            .compliance(&criteria, date.parse().unwrap())
            .into_iter()
            .map(|c| (c.formation.to_string(), c))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let soon = on("2026-11-25");
    let izza = &soon["jaysh-al-izza"];
    assert!(!izza.complies);
    assert_eq!(izza.failures[0].criterion, "no-shelling");
    assert_eq!(izza.failures[0].evidence, vec![id]);
    let latecomer = &soon["latecomer"];
    assert_eq!(latecomer.failures[0].criterion, "adherence");
    assert_eq!(latecomer.not_judged, vec!["no-shelling".to_string()]);
    // Forty days on, the violation is outside the window.
    assert!(on("2027-01-05")["jaysh-al-izza"].complies);
}

/// The ladder at work: confirmed violations bring a notice; with unanimity
/// one objection rejects it, with 2 of 3 it is adopted; when its date passes
/// without compliance, the next step is suggested.
#[test]
fn confirmed_violations_bring_a_notice_and_non_compliance_the_next_step() {
    use truce_model::{DecisionType, Vote};
    use truce_regime::DecisionStatus;
    for (rule, adopted) in [
        (FindingRule::Unanimity, false),
        (FindingRule::AtLeast(2), true),
    ] {
        let mut config = RegisterConfig::default();
        config.decision_rules.insert(DecisionType::Measure, rule);
        let mut m = Mechanism::with_config(config);
        m.formation(
            "jaysh-al-izza",
            Some((FormationStatus::Joined, "2016-12-30".parse().unwrap())),
        );
        let izza = FormationId::new("jaysh-al-izza").unwrap();
        assert!(m
            .register
            .suggested_measures("2026-11-21".parse().unwrap())
            .is_empty());

        let mut report = shelling("2026-11-20T14:30", 0.0, civilians());
        report.perpetrator = Actor::Formation(izza.clone());
        let id = m.file(RU, report).unwrap();
        for who in [TR, IR] {
            let confirm = Body::Assessment(Assessment {
                incident: id,
                position: Position::Confirmed,
                attributed_to: Some(izza.clone()),
                reason: "seen".into(),
                references: vec![],
            });
            m.say(who, confirm).unwrap();
        }
        let suggested = m.register.suggested_measures("2026-11-21".parse().unwrap());
        assert_eq!(suggested.len(), 1);
        assert_eq!(suggested[0].step.id, "notice");
        assert_eq!(suggested[0].evidence, vec![id]);

        let decision = propose_step(&mut m, "2099-01-01T00:00:00Z", "notice", "2026-12-05");
        vote(&mut m, TR, decision, Vote::Endorse).unwrap();
        if !adopted {
            vote(&mut m, IR, decision, Vote::Object).unwrap();
        }
        let status = m
            .register
            .decision(decision)
            .unwrap()
            .status_at(Timestamp::now());
        assert_eq!(
            matches!(status, DecisionStatus::Adopted { .. }),
            adopted,
            "{status:?}"
        );
        if !adopted {
            assert_eq!(m.register.decision(decision).unwrap().dissent().len(), 1);
            continue;
        }
        // Before its date nothing more is due; after it, without compliance, the next step is.
        assert!(m
            .register
            .suggested_measures("2026-12-01".parse().unwrap())
            .is_empty());
        let later = m.register.suggested_measures("2026-12-10".parse().unwrap());
        assert_eq!(later.len(), 1, "{later:?}");
        assert_eq!(later[0].step.id, "joint-demarche");
        assert!(
            later[0].reason.contains("not complied"),
            "{}",
            later[0].reason
        );
        // Compliance recorded in time: nothing further is due.
        let complied = Body::MeasureCompliance(truce_model::MeasureCompliance {
            decision,
            outcome: truce_model::ComplianceOutcome::Complied,
            note: "Heavy weapons withdrawn from the line, verified by our post.".into(),
        });
        m.say(IR, complied).unwrap();
        assert!(m
            .register
            .suggested_measures("2026-12-10".parse().unwrap())
            .is_empty());
    }
}
