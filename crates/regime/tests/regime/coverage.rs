//! What the monitors could see, through the register's front: an asset
//! down for a day turns the bulletin's "no violation observed" into "not
//! observed" for the governorate it covers; restrictions of access are
//! counted per party and can fail a compliance criterion; a Record that
//! names neither writes its bulletin as before.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use truce_model::{
    AccessActor, AccessKind, AccessPlace, AccessRestricted, AssetId, AssetKind, AssetRegistered,
    AssetStatus, AssetStatusChanged, Covers, FormationId, FormationRegistered, Party, Point, Side,
};
use truce_record::{Body, Rejection};
use truce_regime::{Criteria, Edition, Language, Observation};
use truce_testkit::{Mechanism, RU, TR};

fn days_ago(mechanism: &Mechanism, days: i64) -> (Date, Timestamp) {
    let day = mechanism
        .register
        .config()
        .day_of(Timestamp::now() - SignedDuration::from_hours(24 * days));
    (
        day,
        truce_regime::day_bounds(mechanism.register.config(), day).0,
    )
}

fn idlib_post(working_from: Timestamp) -> Body {
    Body::AssetRegistered(AssetRegistered {
        asset: AssetId::new("op-7").unwrap(),
        kind: AssetKind::Post,
        name: "Observation post 7, Sarmin".into(),
        covers: Covers::Governorates(vec!["SY-ID".into()]),
        working_from,
    })
}

fn status(status: AssetStatus, from: Timestamp) -> Body {
    Body::AssetStatus(AssetStatusChanged {
        asset: AssetId::new("op-7").unwrap(),
        status,
        from,
    })
}

#[test]
fn an_asset_down_for_a_day_turns_no_violation_observed_into_not_observed() {
    let mut mechanism = Mechanism::new();
    let (day, start) = days_ago(&mechanism, 3);
    let before = mechanism
        .register
        .bulletin("JCC", day, day, Edition::Public);
    assert!(before.coverage.is_none());
    assert!(serde_json::to_value(&before)
        .unwrap()
        .get("coverage")
        .is_none());
    assert!(!before.to_text().contains("observed"));

    mechanism
        .say(RU, idlib_post(start - SignedDuration::from_hours(48)))
        .unwrap();
    let bulletin = mechanism
        .register
        .bulletin("JCC", day, day, Edition::Public);
    let text = bulletin.to_text();
    assert!(
        text.contains(&format!("{day}, no violation observed: Idlib.")),
        "{text}"
    );
    // Aleppo has no asset: not observed, whatever was reported there.
    assert!(
        text.contains("not observed: ") && text.contains("Aleppo"),
        "{text}"
    );
    assert!(!text
        .lines()
        .any(|l| l.contains("not observed") && l.contains("Idlib")));

    mechanism.say(RU, status(AssetStatus::Down, start)).unwrap();
    mechanism
        .say(
            RU,
            status(AssetStatus::Working, start + SignedDuration::from_hours(24)),
        )
        .unwrap();
    let text = mechanism
        .register
        .bulletin("JCC", day, day, Edition::Public)
        .to_text();
    assert!(!text.contains("no violation observed"), "{text}");
    let not_observed = text
        .lines()
        .find(|l| l.starts_with(&format!("{day}, not observed:")))
        .unwrap();
    assert!(not_observed.contains("Idlib"), "{text}");
    // The next day it works again.
    let next = day.tomorrow().unwrap();
    let idlib = |d| {
        mechanism
            .register
            .observation_on(d)
            .into_iter()
            .find(|g| g.code == "SY-ID")
            .unwrap()
    };
    assert_eq!(idlib(day).observation, Observation::NotObserved);
    assert_eq!(idlib(next).observation, Observation::Observed);
    assert!(idlib(next).no_violation_observed());

    // Only the party whose asset it is says it works.
    let refused = mechanism
        .say(TR, status(AssetStatus::Down, start))
        .unwrap_err();
    assert!(
        matches!(&refused, Rejection::Rule { field, .. } if field == "asset"),
        "{refused}"
    );
}

#[test]
fn restrictions_are_counted_per_party_in_five_languages_and_fail_a_criterion() {
    let mut mechanism = Mechanism::new();
    let (day, start) = days_ago(&mechanism, 2);
    mechanism
        .say(
            RU,
            Body::FormationRegistered(FormationRegistered {
                formation: FormationId::new("hts").unwrap(),
                name: "HTS".into(),
                aliases: vec![],
                side: Side::Opposition,
            }),
        )
        .unwrap();
    let restrict = |by: AccessActor, kind| {
        Body::AccessRestricted(AccessRestricted {
            by,
            at: AccessPlace::Point(Point {
                lat: 35.905,
                lon: 36.725,
            }),
            kind,
            from: start + SignedDuration::from_hours(6),
            until: start + SignedDuration::from_hours(9),
            prevented: "The patrol to the Saraqib crossing".into(),
        })
    };
    let hts = AccessActor::Formation(FormationId::new("hts").unwrap());
    mechanism
        .say(TR, restrict(hts.clone(), AccessKind::Denial))
        .unwrap();
    mechanism
        .say(TR, restrict(hts.clone(), AccessKind::Jamming))
        .unwrap();
    mechanism
        .say(
            RU,
            restrict(
                AccessActor::Party(Party::new("Syrian Arab Army").unwrap()),
                AccessKind::Threat,
            ),
        )
        .unwrap();
    let unknown = restrict(
        AccessActor::Formation(FormationId::new("nobody").unwrap()),
        AccessKind::Denial,
    );
    assert!(
        matches!(mechanism.say(RU, unknown), Err(Rejection::Rule { field, .. }) if field == "by.formation")
    );

    let bulletin = mechanism
        .register
        .bulletin("JCC", day, day, Edition::Public);
    let coverage = bulletin.coverage.as_ref().unwrap();
    assert_eq!(coverage.access.len(), 2);
    assert_eq!(coverage.access[1].by, "hts");
    assert_eq!(
        (coverage.access[1].denial, coverage.access[1].jamming),
        (1, 1)
    );
    let text = bulletin.to_text();
    assert!(
        text.contains(
            "Access of the monitors, hts: 1 denied, 0 restricted, 0 threatened, 1 jammed."
        ),
        "{text}"
    );
    // No asset anywhere: every governorate, Idlib included, not observed.
    assert_eq!(coverage.days[0].not_observed.len(), 14);
    for (language, words) in [
        (Language::Ru, "Доступ наблюдателей, hts"),
        (Language::Tr, "Gözlemcilerin erişimi, hts"),
        (Language::Fa, "دسترسی ناظران، hts"),
        (Language::Ar, "وصول المراقبين، hts"),
    ] {
        let text = bulletin.to_text_in(language);
        assert!(text.contains(words), "{text}");
        assert!(!text.contains("not observed"), "{text}");
    }

    let criteria = Criteria::from_toml(
        r#"
        [[criterion]]
        id = "let-monitors-through"
        kind = "no_access_denials"
        kinds = ["denial"]
        days = 30
        "#,
    )
    .unwrap();
    let compliance = mechanism.register.compliance(&criteria, day);
    let of_hts = compliance
        .iter()
        .find(|c| c.formation.as_str() == "hts")
        .unwrap();
    assert!(!of_hts.complies);
    assert_eq!(of_hts.failures[0].access.len(), 1);
    assert!(
        of_hts.failures[0].reason.contains("1 restrictions"),
        "{}",
        of_hts.failures[0].reason
    );
    // Long before, it complied.
    let earlier = mechanism
        .register
        .compliance(&criteria, day.checked_sub(jiff::ToSpan::days(40)).unwrap());
    assert!(earlier.iter().all(|c| c.complies));
    let bad = Criteria::from_toml(
        "[[criterion]]\nid = \"x\"\nkind = \"no_access_denials\"\ndays = 30\nkm = 2.0\n",
    )
    .unwrap_err();
    assert!(bad.to_string().contains("x.km"), "{bad}");
}
