//! Report statements: one shelling at a given place and time, or many
//! spread over the country's towns and over months, as a real register's
//! are (so that grouping compares each report with a few neighbours).

use jiff::civil::DateTime;
use jiff::Timestamp;
use truce_model::{
    Actor, GeoPrecision, Location, ReportFields, ReportFiled, Source, SourceKind, TimePrecision,
    ViolationType,
};
use truce_record::{Body, MemberKey, SignedStatement, Statement};

/// Towns across the country, as (lat, lon).
pub const TOWNS: [(f64, f64); 18] = [
    (33.5138, 36.2765),
    (36.2021, 37.1343),
    (34.7324, 36.7137),
    (35.1318, 36.7578),
    (35.9306, 36.6339),
    (35.5317, 35.7915),
    (35.3359, 40.1408),
    (35.9528, 39.0079),
    (32.6189, 36.1021),
    (35.4414, 36.6497),
    (35.6478, 36.6736),
    (35.8641, 36.8006),
    (35.8125, 36.3181),
    (33.5711, 36.4039),
    (34.8890, 35.8866),
    (36.5024, 40.7477),
    (34.5503, 38.2691),
    (32.7090, 36.5695),
];

/// A shelling at (`lat`, `lon`) at local time `occurred`, seen by the
/// reporting guarantor's own post.
pub fn shelling(occurred: DateTime, lat: f64, lon: f64, place: &str) -> ReportFields {
    ReportFields {
        occurred,
        time_precision: TimePrecision::Hour,
        location: Location {
            lat,
            lon,
            precision: GeoPrecision::Exact,
            place: place.into(),
        },
        violation_type: ViolationType::Shelling,
        clause: None,
        perpetrator: Actor::Unknown("artillery".into()),
        target: Actor::Unknown("residential area".into()),
        casualties: vec![],
        sources: vec![Source {
            kind: SourceKind::OwnObservation,
            description: "observation post".into(),
        }],
        evidence: vec![],
        narrative: "Mortar fire on the market.".into(),
        observation: None,
    }
}

/// The `n`-th of many reports: towns in turn, 17 minutes apart from 1
/// January 2020, starting over after five years so that a million of them
/// still lie in the past; a few metres apart within a town.
pub fn spread(n: usize) -> ReportFields {
    const FIVE_YEARS_IN_MINUTES: i64 = 5 * 365 * 24 * 60;
    let start: DateTime = "2020-01-01T00:00".parse().expect("a date");
    let (lat, lon) = TOWNS[n % TOWNS.len()];
    let jitter = (n % 7) as f64 * 0.001;
    let minutes = (17 * n as i64) % FIVE_YEARS_IN_MINUTES;
    let occurred = start
        .checked_add(jiff::Span::new().minutes(minutes))
        .expect("a date within range");
    shelling(occurred, lat + jitter, lon - jitter, "outskirts")
}

/// `count` report statements by `key` with sequence numbers from
/// `first_seq`, the reports [`spread`] from number `offset` on.
pub fn presigned(
    key: &MemberKey,
    first_seq: u64,
    offset: usize,
    count: usize,
) -> Vec<SignedStatement> {
    let time = Timestamp::now();
    (0..count)
        .map(|i| {
            let statement = Statement::new(
                key.key_id(),
                first_seq + i as u64,
                time,
                Body::ReportFiled(ReportFiled {
                    report: spread(offset + i),
                }),
            );
            key.sign(&statement)
        })
        .collect()
}

/// Khan Shaykhun (Idlib), as (lat, lon): where the tests put the incidents
/// whose grouping they check.
pub const KHAN_SHAYKHUN: (f64, f64) = (35.4414, 36.6497);

/// A shelling `km_east` km east of Khan Shaykhun at local time `occurred`,
/// so that a test sets how far apart two reports are (a degree of
/// longitude is about 91 km there).
pub fn near_khan_shaykhun(occurred: DateTime, km_east: f64) -> ReportFields {
    let (lat, lon) = KHAN_SHAYKHUN;
    shelling(occurred, lat, lon + km_east / 91.0, "Khan Shaykhun")
}
