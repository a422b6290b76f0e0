//! Findings filtered by governorate come out the same whether the state
//! has every finding derived (a node's, after its first map or findings
//! read) or not (a command run once, which judges only the incidents with
//! a report in that governorate).

use truce_model::{Assessment, Position, ReportFiled, ReportId};
use truce_query::{Audience, DayRange, FindingFilter, Paging, SortOrder};
use truce_record::{Body, Rules};
use truce_testkit::{reports, Mechanism, IR, RU, TR};

fn filtered(register: &truce_regime::Register, filter: &FindingFilter) -> String {
    let page = truce_query::findings(register, filter, Paging::all_from(0), Audience::Members);
    serde_json::to_string(&page.items).unwrap()
}

#[test]
fn findings_by_governorate_do_not_depend_on_what_was_derived_before() {
    let mut node = Mechanism::new();
    for n in 0..60 {
        let filed = |report| Body::ReportFiled(ReportFiled { report });
        let first = node.say(RU, filed(reports::spread(n))).unwrap();
        // The same event from a second guarantor: one incident of two reports.
        if n % 3 == 0 {
            node.say(TR, filed(reports::spread(n))).unwrap();
        }
        if n % 4 == 0 {
            let assessment = Assessment {
                incident: ReportId(first),
                position: Position::Confirmed,
                attributed_to: None,
                reason: "seen by our post".into(),
                references: vec![],
            };
            node.say(IR, Body::Assessment(assessment)).unwrap();
        }
    }
    node.register.settle();
    let derived = node.register.snapshot();
    let mut governorates: Vec<String> = derived
        .all_findings()
        .iter()
        .map(|f| f.governorate.clone())
        .collect();
    governorates.sort();
    governorates.dedup();
    assert!(governorates.len() >= 3, "{governorates:?}");

    let one_day = "2020-01-01".parse().unwrap();
    for governorate in governorates {
        for days in [
            DayRange::default(),
            DayRange::new(Some(one_day), Some(one_day)).unwrap(),
        ] {
            let filter = FindingFilter {
                days,
                governorate: Some(governorate.clone()),
                violation_type: None,
                finding: None,
                order: SortOrder::Record,
            };
            let fresh = node.register.snapshot();
            assert!(fresh.derived_findings().is_none());
            let judged_alone = filtered(&fresh, &filter);
            assert!(derived.derived_findings().is_some());
            assert_eq!(judged_alone, filtered(&derived, &filter), "{governorate}");
            assert_ne!(judged_alone, "[]", "{governorate}");
        }
    }
}
