//! Incidents must not depend on when the writer settles its state. The
//! node settles after each commit (a new report is then grouped into the
//! incidents as they stand, links included); a replay settles once, at
//! the end (every report is grouped, then the links applied in Record
//! order). Random sequences of nearby reports from three parties and of
//! members' links (joins and detachments) must give the same incidents
//! both ways, and the same as grouping everything again from scratch.

use truce_model::{IncidentLink, ReportFiled, ReportId};
use truce_record::{Body, Rules};
use truce_testkit::{reports, Mechanism, Rng, IR, RU, TR};

fn incidents(mechanism: &Mechanism) -> Vec<Vec<ReportId>> {
    mechanism
        .register
        .incidents()
        .into_iter()
        .map(|i| i.reports)
        .collect()
}

#[test]
fn incidents_do_not_depend_on_when_the_state_is_settled() {
    for seed in 0..300u64 {
        let mut rng = Rng::new(seed);
        let (mut node, mut replay) = (Mechanism::new(), Mechanism::new());
        let mut filed: Vec<u64> = Vec::new();
        for _ in 0..14 {
            let body = if filed.len() < 2 || rng.chance(0.6) {
                // Within 6 km and 50 minutes of each other: most group.
                let at = format!("2026-11-20T06:{:02}", rng.below(50))
                    .parse()
                    .unwrap();
                let report = reports::near_khan_shaykhun(at, rng.unit() * 6.0);
                Body::ReportFiled(ReportFiled { report })
            } else {
                let report = *rng.pick(&filed);
                let other = *rng.pick(&filed);
                let with = (rng.chance(0.5) && other != report).then_some(ReportId(other));
                Body::IncidentLinked(IncidentLink {
                    report: ReportId(report),
                    with,
                    reason: "seen from the same post".into(),
                })
            };
            let who = *rng.pick(&[RU, TR, IR]);
            let admitted = node.say(who, body.clone());
            assert_eq!(admitted.is_ok(), replay.say(who, body.clone()).is_ok());
            if let (Ok(position), Body::ReportFiled(_)) = (admitted, &body) {
                filed.push(position);
            }
            node.register.settle();
        }
        replay.register.settle();
        let settled_each_time = incidents(&node);
        assert_eq!(settled_each_time, incidents(&replay), "seed {seed}");
        let from_scratch: Vec<Vec<ReportId>> = node
            .register
            .incidents_from_scratch()
            .into_iter()
            .map(|i| i.reports)
            .collect();
        assert_eq!(settled_each_time, from_scratch, "seed {seed}");
    }
}
