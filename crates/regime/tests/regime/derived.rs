//! Findings and the map's index are derived again for each published
//! state, reusing what earlier states derived where the incident did not
//! change. Random sequences of reports, amendments, withdrawals, links,
//! assessments and exclusions, read after every statement, must give the
//! same findings and the same map as a copy that derives everything from
//! scratch; and an incident no statement touched keeps its finding.

use std::sync::Arc;

use jiff::civil::Date;
use truce_model::{
    Actor, Assessment, FormationId, FormationRegistered, FormationStatus, FormationStatusChanged,
    IncidentLink, Position, ReportAmended, ReportFiled, ReportId, ReportWithdrawn, Side,
};
use truce_record::{Body, Rules};
use truce_regime::Register;
use truce_testkit::{reports, Mechanism, Rng, IR, RU, TR};

const FORMATION: &str = "jabhat-al-nusra";

fn as_json(findings: &[impl serde::Serialize]) -> String {
    serde_json::to_string(findings).unwrap()
}

/// A published state's findings and map, against a plain copy's, which
/// shares no memo and derives both from nothing.
fn assert_derived_as_from_scratch(published: &Register, seed: u64, step: usize) {
    let from_scratch = published.clone();
    assert_eq!(
        as_json(&published.all_findings()),
        as_json(&from_scratch.findings()),
        "findings, seed {seed}, step {step}"
    );
    assert_eq!(
        format!("{:?}", published.map_index()),
        format!("{:?}", from_scratch.map_index()),
        "map, seed {seed}, step {step}"
    );
}

#[test]
fn findings_reused_from_earlier_states_equal_findings_from_scratch() {
    let formation = FormationId::new(FORMATION).unwrap();
    for seed in 0..120u64 {
        let mut rng = Rng::new(seed);
        let mut node = Mechanism::new();
        node.say(
            RU,
            Body::FormationRegistered(FormationRegistered {
                formation: formation.clone(),
                name: "Jabhat al-Nusra".into(),
                aliases: vec![],
                side: Side::Opposition,
            }),
        )
        .unwrap();
        let mut filed: Vec<(usize, u64)> = Vec::new();
        for step in 0..16 {
            let who = *rng.pick(&[RU, TR, IR]);
            let at = format!("2026-11-20T06:{:02}", rng.below(50))
                .parse()
                .unwrap();
            let mut report = reports::near_khan_shaykhun(at, rng.unit() * 6.0);
            if rng.chance(0.3) {
                report.target = Actor::Formation(formation.clone());
            }
            let roll = rng.unit();
            let (who, body) = if filed.len() < 2 || roll < 0.4 {
                (who, Body::ReportFiled(ReportFiled { report }))
            } else if roll < 0.65 {
                let (_, report) = *rng.pick(&filed);
                let position = *rng.pick(&[
                    Position::Confirmed,
                    Position::NotAViolation,
                    Position::Disputed,
                ]);
                let assessment = Assessment {
                    incident: ReportId(report),
                    position,
                    attributed_to: rng.chance(0.5).then(|| formation.clone()),
                    reason: "seen by our post".into(),
                    references: vec![],
                };
                (who, Body::Assessment(assessment))
            } else if roll < 0.75 {
                let &(author, amends) = rng.pick(&filed);
                let amended = ReportAmended {
                    amends: ReportId(amends),
                    report,
                    reason: "the crater was measured".into(),
                };
                (author, Body::ReportAmended(amended))
            } else if roll < 0.82 {
                let &(author, withdraws) = rng.pick(&filed);
                let withdrawn = ReportWithdrawn {
                    withdraws: ReportId(withdraws),
                    reason: "filed twice".into(),
                };
                (author, Body::ReportWithdrawn(withdrawn))
            } else if roll < 0.92 {
                let (_, report) = *rng.pick(&filed);
                let (_, other) = *rng.pick(&filed);
                let with = (rng.chance(0.5) && other != report).then_some(ReportId(other));
                let link = IncidentLink {
                    report: ReportId(report),
                    with,
                    reason: "seen from the same post".into(),
                };
                (who, Body::IncidentLinked(link))
            } else {
                let status = *rng.pick(&[FormationStatus::Excluded, FormationStatus::Joined]);
                let valid_from: Date = "2026-11-01".parse().unwrap();
                let change = FormationStatusChanged {
                    formation: formation.clone(),
                    status,
                    valid_from,
                    reference: "decision of the guarantors".into(),
                };
                (TR, Body::FormationStatusChanged(change))
            };
            let filing = matches!(body, Body::ReportFiled(_));
            if let Ok(position) = node.say(who, body) {
                if filing {
                    filed.push((who, position));
                }
            }
            node.register.settle();
            // Read most states, as readers would, and skip some: the next
            // read then reuses what a state two or three back derived.
            if rng.chance(0.7) {
                assert_derived_as_from_scratch(&node.register.snapshot(), seed, step);
            }
        }
    }
}

#[test]
fn an_incident_no_statement_touched_keeps_its_finding() {
    let mut node = Mechanism::new();
    let at = |minute: u32| format!("2026-11-20T06:{minute:02}").parse().unwrap();
    // Two incidents 40 km apart, too far to be one.
    let far = node
        .say(
            RU,
            Body::ReportFiled(ReportFiled {
                report: reports::near_khan_shaykhun(at(5), 40.0),
            }),
        )
        .unwrap();
    let near = node
        .say(
            RU,
            Body::ReportFiled(ReportFiled {
                report: reports::near_khan_shaykhun(at(5), 0.0),
            }),
        )
        .unwrap();
    node.register.settle();
    let before = node.register.snapshot();
    let findings_before = before.all_findings();
    let map_before = before.map_index();

    node.say(
        TR,
        Body::Assessment(Assessment {
            incident: ReportId(near),
            position: Position::Confirmed,
            attributed_to: None,
            reason: "seen by our post".into(),
            references: vec![],
        }),
    )
    .unwrap();
    node.register.settle();
    let after = node.register.snapshot();
    let findings_after = after.all_findings();
    let of = |findings: &[Arc<truce_regime::Finding>], id: u64| {
        findings
            .iter()
            .find(|f| f.incident == ReportId(id))
            .cloned()
            .unwrap()
    };
    assert!(Arc::ptr_eq(
        &of(&findings_before, far),
        &of(&findings_after, far)
    ));
    assert!(!Arc::ptr_eq(
        &of(&findings_before, near),
        &of(&findings_after, near)
    ));
    assert_eq!(
        of(&findings_after, near)
            .positions
            .get("Republic of Türkiye"),
        Some(&Position::Confirmed)
    );
    assert_eq!(after.map_index().len(), map_before.len());
}
