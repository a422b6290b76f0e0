//! The monitoring assets — posts, cameras, patrol areas, drones — with
//! the governorates each covers and when it was working or down, and from
//! them and the restrictions of access (`access.rs`) whether a governorate
//! was observed on a day: an asset covering it was working for some of the
//! day at a time no denial or jamming hid it. A governorate with no report
//! on a day it was observed had "no violation observed"; on a day it was
//! not observed, nothing can be said of it.

use imbl::OrdMap;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_gazetteer::Gazetteer;
use truce_model::{
    AssetId, AssetKind, AssetRegistered, AssetStatus, AssetStatusChanged, Covers, MemberName,
    Party, RegisterConfig,
};
use truce_record::Rejection;

use crate::access::{known_governorate, AccessBook};
use crate::error::rule;
use crate::origin::Origin;

/// How far ahead of its statement's own time a status may take effect,
/// for clocks that run a little fast.
const FUTURE_TOLERANCE_SECONDS: i64 = 15 * 60;

/// A status from a time on, and the position that recorded it.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct StatusFrom {
    pub status: AssetStatus,
    pub from: Timestamp,
    pub position: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Asset {
    pub id: AssetId,
    pub kind: AssetKind,
    pub name: String,
    /// The guarantor party whose asset it is: only its members change its status.
    pub party: Party,
    pub registered_by: MemberName,
    pub position: u64,
    pub covers: Covers,
    /// ISO 3166-2 codes of the governorates it covers.
    pub governorates: Vec<String>,
    /// Its statuses by the time they took effect, the registration's
    /// "working" first; of two from the same time, the later recorded holds.
    pub history: Vec<StatusFrom>,
}

impl Asset {
    /// Its status at `time`, if it was registered by then.
    pub fn status_at(&self, time: Timestamp) -> Option<AssetStatus> {
        self.history
            .iter()
            .take_while(|s| s.from <= time)
            .last()
            .map(|s| s.status)
    }

    /// The spans within `[start, end)` in which it was working.
    fn working(&self, start: Timestamp, end: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let mut spans = Vec::new();
        for (i, status) in self.history.iter().enumerate() {
            if status.status != AssetStatus::Working {
                continue;
            }
            let until = self.history.get(i + 1).map_or(end, |next| next.from);
            let (from, until) = (status.from.max(start), until.min(end));
            if from < until {
                spans.push((from, until));
            }
        }
        spans
    }
}

/// Whether the monitors could see a governorate on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Observation {
    Observed,
    NotObserved,
}

impl Observation {
    pub fn as_str(self) -> &'static str {
        match self {
            Observation::Observed => "observed",
            Observation::NotObserved => "not_observed",
        }
    }
}

/// Every monitoring asset, by its handle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageBook {
    assets: OrdMap<AssetId, Asset>,
}

/// The governorates `covers` names, or the one that holds its point.
fn covered_governorates(covers: &Covers, gazetteer: &Gazetteer) -> Result<Vec<String>, Rejection> {
    match covers {
        Covers::Governorates(codes) => {
            for (i, code) in codes.iter().enumerate() {
                known_governorate(&format!("covers.governorates[{i}]"), code, gazetteer)?;
            }
            Ok(codes.clone())
        }
        Covers::Point(point) => gazetteer
            .governorate_at(point.lon, point.lat)
            .map(|g| vec![g.code.clone()])
            .ok_or_else(|| {
                rule(
                    "covers.point",
                    format!(
                        "{}, {} is outside the country's governorates",
                        point.lat, point.lon
                    ),
                )
            }),
    }
}

/// The instants that bound the mechanism's day `date` (its fixed UTC
/// offset, as `RegisterConfig::day_of` reads it).
pub fn day_bounds(config: &RegisterConfig, date: Date) -> (Timestamp, Timestamp) {
    let offset =
        Offset::from_seconds(i32::from(config.utc_offset_minutes) * 60).unwrap_or(Offset::UTC);
    let zone = TimeZone::fixed(offset);
    let start = |d: Date| {
        d.to_zoned(zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    };
    (
        start(date),
        date.tomorrow().map(start).unwrap_or(Timestamp::MAX),
    )
}

impl CoverageBook {
    pub fn get(&self, id: &AssetId) -> Option<&Asset> {
        self.assets.get(id)
    }

    /// By handle.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Asset> {
        self.assets.values()
    }

    pub fn is_empty(&self) -> bool {
        self.assets.is_empty()
    }

    /// Whether any asset was working, by its registration, before `time`.
    pub fn any_registered_before(&self, time: Timestamp) -> bool {
        self.assets
            .values()
            .any(|a| a.history.first().is_some_and(|s| s.from < time))
    }

    /// A handle is registered once; what it covers must lie in the country.
    pub(crate) fn check_registration(
        &self,
        registered: &AssetRegistered,
        time: Timestamp,
        gazetteer: &Gazetteer,
    ) -> Result<(), Rejection> {
        if let Some(asset) = self.assets.get(&registered.asset) {
            return Err(rule(
                "asset",
                format!(
                    "{} is registered already (at position {}, by {})",
                    asset.id, asset.position, asset.party
                ),
            ));
        }
        covered_governorates(&registered.covers, gazetteer)?;
        not_ahead("working_from", registered.working_from, time)
    }

    pub(crate) fn register(
        &mut self,
        origin: Origin<'_>,
        registered: &AssetRegistered,
        gazetteer: &Gazetteer,
    ) {
        let Ok(governorates) = covered_governorates(&registered.covers, gazetteer) else {
            return;
        };
        self.assets.insert(
            registered.asset.clone(),
            Asset {
                id: registered.asset.clone(),
                kind: registered.kind,
                name: registered.name.clone(),
                party: origin.party.clone(),
                registered_by: origin.member.clone(),
                position: origin.position,
                covers: registered.covers.clone(),
                governorates,
                history: vec![StatusFrom {
                    status: AssetStatus::Working,
                    from: registered.working_from,
                    position: origin.position,
                }],
            },
        );
    }

    /// Only the party whose asset it is says whether it works, and not for
    /// a time before it was registered working.
    pub(crate) fn check_status(
        &self,
        changed: &AssetStatusChanged,
        party: &Party,
        time: Timestamp,
    ) -> Result<(), Rejection> {
        let asset = self
            .assets
            .get(&changed.asset)
            .ok_or_else(|| rule("asset", format!("no asset {}", changed.asset)))?;
        if &asset.party != party {
            return Err(rule(
                "asset",
                format!("{} is {}'s, not {party}'s", asset.id, asset.party),
            ));
        }
        let registered = asset.history[0].from;
        if changed.from < registered {
            return Err(rule(
                "from",
                format!(
                    "{} is before {} was registered working ({registered})",
                    changed.from, asset.id
                ),
            ));
        }
        not_ahead("from", changed.from, time)
    }

    pub(crate) fn change_status(&mut self, position: u64, changed: &AssetStatusChanged) {
        if let Some(asset) = self.assets.get_mut(&changed.asset) {
            // After every status from the same time or earlier: of two
            // from the same time, the one recorded later holds.
            let at = asset.history.partition_point(|s| s.from <= changed.from);
            asset.history.insert(
                at,
                StatusFrom {
                    status: changed.status,
                    from: changed.from,
                    position,
                },
            );
        }
    }

    /// Whether the monitors saw `governorate` in `[start, end)`: some asset
    /// covering it was working at a time no denial or jamming there hid it.
    pub fn observation(
        &self,
        access: &AccessBook,
        governorate: &str,
        start: Timestamp,
        end: Timestamp,
    ) -> Observation {
        let blinded = access.blinding(governorate, start, end);
        let seen = self
            .assets
            .values()
            .filter(|a| a.governorates.iter().any(|g| g == governorate))
            .flat_map(|a| a.working(start, end))
            .any(|span| !covered_by(span, &blinded));
        if seen {
            Observation::Observed
        } else {
            Observation::NotObserved
        }
    }
}

fn not_ahead(field: &str, from: Timestamp, time: Timestamp) -> Result<(), Rejection> {
    if from.as_second() - time.as_second() > FUTURE_TOLERANCE_SECONDS {
        return Err(rule(
            field,
            format!("{from} is after the statement's own time ({time}); record what happened"),
        ));
    }
    Ok(())
}

/// Whether `spans` together cover all of `span`.
fn covered_by(span: (Timestamp, Timestamp), spans: &[(Timestamp, Timestamp)]) -> bool {
    let mut sorted: Vec<_> = spans.to_vec();
    sorted.sort();
    let mut reached = span.0;
    for (from, until) in sorted {
        if from > reached {
            break;
        }
        reached = reached.max(until);
        if reached >= span.1 {
            return true;
        }
    }
    reached >= span.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Author;
    use truce_model::{AccessActor, AccessKind, AccessPlace, AccessRestricted, Point};

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn post(id: &str, covers: Covers, from: &str) -> AssetRegistered {
        AssetRegistered {
            asset: AssetId::new(id).unwrap(),
            kind: AssetKind::Post,
            name: format!("Observation post {id}"),
            covers,
            working_from: at(from),
        }
    }

    fn status(id: &str, status: AssetStatus, from: &str) -> AssetStatusChanged {
        AssetStatusChanged {
            asset: AssetId::new(id).unwrap(),
            status,
            from: at(from),
        }
    }

    #[test]
    fn an_asset_is_its_partys_and_covers_what_lies_in_the_country() {
        let gazetteer = Gazetteer::syria();
        let mut book = CoverageBook::default();
        let russia = Author::guarantor("ru-monitor-1", "Russian Federation");
        let turkey = Party::new("Republic of Türkiye").unwrap();
        let now = at("2026-12-01T12:00:00Z");
        let op7 = post(
            "op-7",
            Covers::Point(Point {
                lat: 35.905,
                lon: 36.725,
            }),
            "2026-12-01T00:00:00Z",
        );
        book.check_registration(&op7, now, gazetteer).unwrap();
        book.register(russia.at(5, "2026-12-01T12:00:00Z"), &op7, gazetteer);
        assert_eq!(book.get(&op7.asset).unwrap().governorates, ["SY-ID"]);
        let field = |r: Result<(), Rejection>| match r {
            Err(Rejection::Rule { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(book.check_registration(&op7, now, gazetteer)),
            "asset"
        );
        let nowhere = post(
            "cam-1",
            Covers::Governorates(vec!["SY-ID".into(), "SY-ZZ".into()]),
            "2026-12-01T00:00:00Z",
        );
        assert_eq!(
            field(book.check_registration(&nowhere, now, gazetteer)),
            "covers.governorates[1]"
        );
        let down = status("op-7", AssetStatus::Down, "2026-12-01T08:00:00Z");
        assert!(book
            .check_status(&down, &turkey, now)
            .unwrap_err()
            .to_string()
            .contains("Russian Federation's"));
        book.check_status(&down, &russia.party, now).unwrap();
        let early = status("op-7", AssetStatus::Down, "2026-11-30T08:00:00Z");
        assert_eq!(field(book.check_status(&early, &russia.party, now)), "from");
        let unknown = status("op-8", AssetStatus::Down, "2026-12-01T08:00:00Z");
        assert_eq!(
            field(book.check_status(&unknown, &russia.party, now)),
            "asset"
        );
    }

    /// Down for the whole day, or hidden all the time it worked, a
    /// governorate is not observed; working for an hour of it, it is.
    #[test]
    fn a_governorate_is_observed_while_a_working_asset_is_not_blinded() {
        let gazetteer = Gazetteer::syria();
        let mut book = CoverageBook::default();
        let mut access = AccessBook::default();
        let russia = Author::guarantor("ru-monitor-1", "Russian Federation");
        let op = post(
            "op-7",
            Covers::Governorates(vec!["SY-ID".into()]),
            "2026-12-01T00:00:00Z",
        );
        book.register(russia.at(5, "2026-12-01T00:00:00Z"), &op, gazetteer);
        let day = |d: &str| (at(&format!("{d}T00:00:00Z")), at(&format!("{d}T23:59:59Z")));
        let seen = |book: &CoverageBook, access: &AccessBook, d: &str, g: &str| {
            let (start, end) = day(d);
            book.observation(access, g, start, end)
        };
        assert_eq!(
            seen(&book, &access, "2026-12-02", "SY-ID"),
            Observation::Observed
        );
        assert_eq!(
            seen(&book, &access, "2026-12-02", "SY-HL"),
            Observation::NotObserved
        );
        // Registered working only from the 1st: the 30th was not observed.
        assert_eq!(
            seen(&book, &access, "2026-11-30", "SY-ID"),
            Observation::NotObserved
        );
        // Down all of the 3rd, recorded out of order.
        book.change_status(
            8,
            &status("op-7", AssetStatus::Working, "2026-12-04T00:00:00Z"),
        );
        book.change_status(
            7,
            &status("op-7", AssetStatus::Down, "2026-12-03T00:00:00Z"),
        );
        assert_eq!(
            seen(&book, &access, "2026-12-03", "SY-ID"),
            Observation::NotObserved
        );
        assert_eq!(
            seen(&book, &access, "2026-12-04", "SY-ID"),
            Observation::Observed
        );
        // The 2nd: working all day but denied from 00:00 to 12:00 and
        // jammed from 11:00 to the end: nothing seen.
        let hide = |from: &str, until: &str, kind| AccessRestricted {
            by: AccessActor::Party(Party::new("Syrian Arab Army").unwrap()),
            at: AccessPlace::Governorate("SY-ID".into()),
            kind,
            from: at(from),
            until: at(until),
            prevented: "Every patrol".into(),
        };
        access.apply(
            russia.at(9, "2026-12-02T23:00:00Z"),
            &hide(
                "2026-12-02T00:00:00Z",
                "2026-12-02T12:00:00Z",
                AccessKind::Denial,
            ),
            gazetteer,
        );
        assert_eq!(
            seen(&book, &access, "2026-12-02", "SY-ID"),
            Observation::Observed
        );
        access.apply(
            russia.at(10, "2026-12-02T23:00:00Z"),
            &hide(
                "2026-12-02T11:00:00Z",
                "2026-12-03T00:00:00Z",
                AccessKind::Jamming,
            ),
            gazetteer,
        );
        assert_eq!(
            seen(&book, &access, "2026-12-02", "SY-ID"),
            Observation::NotObserved
        );
        // A threat does not blind.
        access.apply(
            russia.at(11, "2026-12-04T23:00:00Z"),
            &hide(
                "2026-12-04T00:00:00Z",
                "2026-12-05T00:00:00Z",
                AccessKind::Threat,
            ),
            gazetteer,
        );
        assert_eq!(
            seen(&book, &access, "2026-12-04", "SY-ID"),
            Observation::Observed
        );
    }

    #[test]
    fn a_day_is_bounded_by_the_mechanisms_offset() {
        let config = RegisterConfig {
            utc_offset_minutes: 180,
            ..Default::default()
        };
        let (start, end) = day_bounds(&config, "2026-12-02".parse().unwrap());
        assert_eq!(start, at("2026-12-01T21:00:00Z"));
        assert_eq!(end, at("2026-12-02T21:00:00Z"));
        assert_eq!(config.day_of(start), "2026-12-02".parse().unwrap());
    }
}
