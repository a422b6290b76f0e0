//! Findings filtered by governorate or by days come out the same whether
//! the state has every finding derived (a node's, after its first map or
//! findings read) or not (a command run once, which judges only the
//! incidents with a report in that governorate or on those days).

use truce_model::{Assessment, Position, ReportFiled, ReportId};
use truce_query::{Audience, DayRange, FindingFilter, Paging, SortOrder};
use truce_record::{Body, Rules};
use truce_testkit::{reports, Mechanism, IR, RU, TR};

fn filtered(register: &truce_regime::Register, filter: &FindingFilter) -> String {
    let page = truce_query::findings(register, filter, Paging::all_from(0), Audience::Members);
    serde_json::to_string(&page.items).unwrap()
}

#[test]
fn findings_by_governorate_or_days_do_not_depend_on_what_was_derived_before() {
    let mut node = Mechanism::new();
    // 17 minutes apart from midnight on 1 January 2020: the last few on
    // the 2nd.
    for n in 0..100 {
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

    let day = |text: &str| Some(text.parse().unwrap());
    let ranges = [
        DayRange::default(),
        DayRange::new(day("2020-01-01"), day("2020-01-01")).unwrap(),
        DayRange::new(day("2020-01-02"), day("2020-01-02")).unwrap(),
        DayRange::new(day("2020-01-02"), None).unwrap(),
        DayRange::new(None, day("2020-01-01")).unwrap(),
    ];
    let everywhere = std::iter::once(None);
    for governorate in everywhere.chain(governorates.into_iter().map(Some)) {
        for days in ranges {
            let filter = FindingFilter {
                days,
                governorate: governorate.clone(),
                violation_type: None,
                finding: None,
                order: SortOrder::Record,
            };
            let fresh = node.register.snapshot();
            assert!(fresh.derived_findings().is_none());
            let judged_alone = filtered(&fresh, &filter);
            assert!(derived.derived_findings().is_some());
            assert_eq!(
                judged_alone,
                filtered(&derived, &filter),
                "{governorate:?} {days:?}"
            );
            if governorate.is_none() || days == DayRange::default() {
                assert_ne!(judged_alone, "[]", "{governorate:?} {days:?}");
            }
        }
    }
}
