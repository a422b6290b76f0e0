//! Denials and restrictions of the monitors' access, threats against them
//! and jamming of their drones and signals: where (resolved to the
//! governorate that holds the place), when, for how long, by whom, and
//! what they kept the monitors from doing. Counted per denying party for
//! the bulletin and against a formation for compliance; a denial or jamming
//! also hides its governorate from the monitors while it lasts
//! (`coverage.rs` reads `blinding`).

use std::collections::BTreeMap;

use imbl::OrdMap;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_gazetteer::Gazetteer;
use truce_model::{
    AccessActor, AccessId, AccessKind, AccessPlace, AccessRestricted, FormationId, MemberName,
    Party,
};
use truce_record::Rejection;

use crate::error::rule;
use crate::formations::Formations;
use crate::origin::Origin;

/// The longest one restriction may be said to last; a longer one is
/// recorded again when it goes on.
pub(crate) const LONGEST_DAYS: i64 = 90;
/// How far ahead of its statement's own time a restriction may begin, for
/// clocks that run a little fast.
const FUTURE_TOLERANCE_SECONDS: i64 = 15 * 60;

/// One restriction as the Record holds it.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Restriction {
    pub id: AccessId,
    /// The guarantor's member who recorded it, and its party.
    pub recorded_by: MemberName,
    pub party: Party,
    pub by: AccessActor,
    pub at: AccessPlace,
    /// ISO 3166-2 code of the governorate the place lies in.
    pub governorate: String,
    pub kind: AccessKind,
    pub from: Timestamp,
    pub until: Timestamp,
    pub prevented: String,
}

impl Restriction {
    /// Whether it lasted through any of `[start, end)`.
    pub fn overlaps(&self, start: Timestamp, end: Timestamp) -> bool {
        self.from < end && self.until > start
    }
}

/// How many restrictions of each kind one party or formation made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessTally {
    /// The formation's id or the party's name.
    pub by: String,
    pub denial: usize,
    pub restriction: usize,
    pub threat: usize,
    pub jamming: usize,
}

impl AccessTally {
    fn count(&mut self, kind: AccessKind) {
        match kind {
            AccessKind::Denial => self.denial += 1,
            AccessKind::Restriction => self.restriction += 1,
            AccessKind::Threat => self.threat += 1,
            AccessKind::Jamming => self.jamming += 1,
        }
    }
}

/// Every restriction of access, by id (the position that recorded it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessBook {
    restrictions: OrdMap<AccessId, Restriction>,
}

/// The governorate a place lies in, or the field and reason it is refused.
pub(crate) fn governorate_of(
    field: &str,
    at: &AccessPlace,
    gazetteer: &Gazetteer,
) -> Result<String, Rejection> {
    match at {
        AccessPlace::Point(point) => gazetteer
            .governorate_at(point.lon, point.lat)
            .map(|g| g.code.clone())
            .ok_or_else(|| {
                rule(
                    &format!("{field}.point"),
                    format!(
                        "{}, {} is outside the country's governorates",
                        point.lat, point.lon
                    ),
                )
            }),
        AccessPlace::Governorate(code) => {
            known_governorate(&format!("{field}.governorate"), code, gazetteer)
                .map(|()| code.clone())
        }
    }
}

/// Refuses a code the gazetteer does not know, listing those it does.
pub(crate) fn known_governorate(
    field: &str,
    code: &str,
    gazetteer: &Gazetteer,
) -> Result<(), Rejection> {
    if gazetteer.governorate(code).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = gazetteer
        .governorates()
        .iter()
        .map(|g| g.code.as_str())
        .collect();
    Err(rule(
        field,
        format!("no governorate {code:?}; one of {}", known.join(", ")),
    ))
}

impl AccessBook {
    pub fn get(&self, id: AccessId) -> Option<&Restriction> {
        self.restrictions.get(&id)
    }

    /// In Record order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Restriction> {
        self.restrictions.values()
    }

    pub fn is_empty(&self) -> bool {
        self.restrictions.is_empty()
    }

    /// A formation named must be registered; the place must lie in the
    /// country; it may not begin after it was recorded, nor last longer
    /// than 90 days.
    pub(crate) fn check(
        &self,
        restricted: &AccessRestricted,
        time: Timestamp,
        formations: &Formations,
        gazetteer: &Gazetteer,
    ) -> Result<(), Rejection> {
        if let AccessActor::Formation(formation) = &restricted.by {
            formations.check_known("by.formation", formation)?;
        }
        governorate_of("at", &restricted.at, gazetteer)?;
        if restricted.from.as_second() - time.as_second() > FUTURE_TOLERANCE_SECONDS {
            return Err(rule(
                "from",
                format!(
                    "{} is after the statement's own time ({time}); record what happened",
                    restricted.from
                ),
            ));
        }
        if restricted.until.as_second() - restricted.from.as_second() > LONGEST_DAYS * 86_400 {
            return Err(rule(
                "until",
                format!("at most {LONGEST_DAYS} days after from; record it again if it goes on"),
            ));
        }
        Ok(())
    }

    pub(crate) fn apply(
        &mut self,
        origin: Origin<'_>,
        restricted: &AccessRestricted,
        gazetteer: &Gazetteer,
    ) {
        // Checked before it was admitted; a replay admits only what passed.
        let Ok(governorate) = governorate_of("at", &restricted.at, gazetteer) else {
            return;
        };
        let id = AccessId(origin.position);
        self.restrictions.insert(
            id,
            Restriction {
                id,
                recorded_by: origin.member.clone(),
                party: origin.party.clone(),
                by: restricted.by.clone(),
                at: restricted.at.clone(),
                governorate,
                kind: restricted.kind,
                from: restricted.from,
                until: restricted.until,
                prevented: restricted.prevented.clone(),
            },
        );
    }

    /// The spans within `[start, end)` in which a denial or jamming kept
    /// the monitors from `governorate`, in no particular order.
    pub fn blinding(
        &self,
        governorate: &str,
        start: Timestamp,
        end: Timestamp,
    ) -> Vec<(Timestamp, Timestamp)> {
        self.restrictions
            .values()
            .filter(|r| r.kind.blinds() && r.governorate == governorate && r.overlaps(start, end))
            .map(|r| (r.from.max(start), r.until.min(end)))
            .collect()
    }

    /// Restrictions that began in `[start, end)`, counted per denying
    /// party or formation, in the order of their names.
    pub fn tally(&self, start: Timestamp, end: Timestamp) -> Vec<AccessTally> {
        let mut by: BTreeMap<String, AccessTally> = BTreeMap::new();
        for restriction in self
            .restrictions
            .values()
            .filter(|r| (start..end).contains(&r.from))
        {
            let name = restriction.by.to_string();
            by.entry(name.clone())
                .or_insert_with(|| AccessTally {
                    by: name,
                    ..Default::default()
                })
                .count(restriction.kind);
        }
        by.into_values().collect()
    }

    /// Restrictions by `formation` of the kinds given (all when none) that
    /// began in `[start, end)`: what a compliance criterion counts.
    pub fn by_formation<'a>(
        &'a self,
        formation: &'a FormationId,
        kinds: &'a [AccessKind],
        start: Timestamp,
        end: Timestamp,
    ) -> impl Iterator<Item = &'a Restriction> + 'a {
        self.restrictions.values().filter(move |r| {
            matches!(&r.by, AccessActor::Formation(f) if f == formation)
                && (kinds.is_empty() || kinds.contains(&r.kind))
                && (start..end).contains(&r.from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Author;
    use truce_model::Point;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn restricted(by: AccessActor, at_: AccessPlace, kind: AccessKind) -> AccessRestricted {
        AccessRestricted {
            by,
            at: at_,
            kind,
            from: at("2026-12-01T06:00:00Z"),
            until: at("2026-12-01T18:00:00Z"),
            prevented: "The patrol to the crossing".into(),
        }
    }

    #[test]
    fn a_restriction_is_placed_in_its_governorate_and_refused_by_field() {
        let gazetteer = Gazetteer::syria();
        let formations = Formations::default();
        let book = AccessBook::default();
        let now = at("2026-12-01T20:00:00Z");
        let sarmin = AccessPlace::Point(Point {
            lat: 35.905,
            lon: 36.725,
        });
        let party = AccessActor::Party(Party::new("Syrian Arab Army").unwrap());
        book.check(
            &restricted(party.clone(), sarmin.clone(), AccessKind::Denial),
            now,
            &formations,
            gazetteer,
        )
        .unwrap();
        let refusal = |body: AccessRestricted| match book.check(&body, now, &formations, gazetteer)
        {
            Err(Rejection::Rule { field, reason }) => (field, reason),
            other => panic!("{other:?}"),
        };
        let (field, reason) = refusal(restricted(
            AccessActor::Formation(FormationId::new("hts").unwrap()),
            sarmin.clone(),
            AccessKind::Denial,
        ));
        assert_eq!(field, "by.formation", "{reason}");
        let (field, _) = refusal(restricted(
            party.clone(),
            AccessPlace::Point(Point {
                lat: 48.85,
                lon: 2.35,
            }),
            AccessKind::Denial,
        ));
        assert_eq!(field, "at.point");
        let (field, reason) = refusal(restricted(
            party.clone(),
            AccessPlace::Governorate("SY-XX".into()),
            AccessKind::Denial,
        ));
        assert_eq!(field, "at.governorate");
        assert!(reason.contains("SY-ID"), "{reason}");
        let mut long = restricted(party.clone(), sarmin.clone(), AccessKind::Threat);
        long.until = at("2027-06-01T00:00:00Z");
        assert_eq!(refusal(long).0, "until");
        let mut ahead = restricted(party, sarmin, AccessKind::Threat);
        ahead.from = at("2026-12-02T06:00:00Z");
        ahead.until = at("2026-12-02T08:00:00Z");
        assert_eq!(refusal(ahead).0, "from");
    }

    #[test]
    fn restrictions_are_counted_per_party_and_only_denial_and_jamming_blind() {
        let gazetteer = Gazetteer::syria();
        let mut book = AccessBook::default();
        let monitor = Author::guarantor("ru-monitor-1", "Russian Federation");
        let army = AccessActor::Party(Party::new("Syrian Arab Army").unwrap());
        let hts = AccessActor::Formation(FormationId::new("hts").unwrap());
        let idlib = || AccessPlace::Governorate("SY-ID".into());
        for (position, by, kind) in [
            (10, army.clone(), AccessKind::Denial),
            (11, army.clone(), AccessKind::Threat),
            (12, hts.clone(), AccessKind::Jamming),
            (13, hts.clone(), AccessKind::Restriction),
        ] {
            book.apply(
                monitor.at(position, "2026-12-01T20:00:00Z"),
                &restricted(by, idlib(), kind),
                gazetteer,
            );
        }
        let (start, end) = (at("2026-12-01T00:00:00Z"), at("2026-12-02T00:00:00Z"));
        let tally = book.tally(start, end);
        assert_eq!(tally.len(), 2);
        assert_eq!(
            tally[0],
            AccessTally {
                by: "Syrian Arab Army".into(),
                denial: 1,
                threat: 1,
                ..Default::default()
            }
        );
        assert_eq!((tally[1].jamming, tally[1].restriction), (1, 1));
        assert_eq!(book.blinding("SY-ID", start, end).len(), 2);
        assert!(book.blinding("SY-HL", start, end).is_empty());
        let hts_id = FormationId::new("hts").unwrap();
        assert_eq!(book.by_formation(&hts_id, &[], start, end).count(), 2);
        assert_eq!(
            book.by_formation(&hts_id, &[AccessKind::Jamming], start, end)
                .count(),
            1
        );
        assert!(book.tally(end, at("2026-12-03T00:00:00Z")).is_empty());
    }
}
