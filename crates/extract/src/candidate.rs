//! Candidate reports: what extraction proposes for a person to review.
//! Every value carries the byte spans of the text it was read from.

use std::borrow::Cow;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::taxonomy::{EventType, ViolationType};

/// A byte range into [`crate::Document::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// Where one field's value was read: a label ("total", "governorate:SY-LA")
/// and a span. The labels are nearly all constants, and a long text has
/// hundreds of thousands of them: they are not copied for each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub field: Cow<'static, str>,
    pub span: Span,
}

impl Evidence {
    /// The label of a governorate's count, "governorate:SY-ID".
    pub fn governorate_label(code: &str) -> Cow<'static, str> {
        const LABELS: [&str; 14] = [
            "governorate:SY-DI",
            "governorate:SY-DR",
            "governorate:SY-DY",
            "governorate:SY-HA",
            "governorate:SY-HI",
            "governorate:SY-HL",
            "governorate:SY-HM",
            "governorate:SY-ID",
            "governorate:SY-LA",
            "governorate:SY-QU",
            "governorate:SY-RA",
            "governorate:SY-RD",
            "governorate:SY-SU",
            "governorate:SY-TA",
        ];
        constant_label(&LABELS, "governorate:", code)
    }

    /// The label of a type of violation named in a bulletin, "type:shelling".
    pub fn type_label(violation: ViolationType) -> Cow<'static, str> {
        const LABELS: [&str; 9] = [
            "type:shelling",
            "type:air_strike",
            "type:ground_assault",
            "type:small_arms",
            "type:ied",
            "type:forces_movement",
            "type:obstruction",
            "type:detention_abduction",
            "type:other",
        ];
        constant_label(&LABELS, "type:", violation.as_str())
    }
}

/// `prefix` + `name`, one of `labels` where it is there.
fn constant_label(labels: &[&'static str], prefix: &str, name: &str) -> Cow<'static, str> {
    labels
        .iter()
        .find(|l| l.strip_prefix(prefix) == Some(name))
        .map_or_else(
            || Cow::Owned([prefix, name].concat()),
            |l| Cow::Borrowed(*l),
        )
}

/// How sure the extractor is, 0 to 1. Clamped on construction so a bad
/// heuristic cannot produce a value outside the range.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct Confidence(f32);

impl Confidence {
    pub fn new(value: f32) -> Self {
        Confidence(if value.is_nan() {
            0.0
        } else {
            value.clamp(0.0, 1.0)
        })
    }
    pub fn value(self) -> f32 {
        self.0
    }
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(serialize_with = "iso_day")]
    pub start: Date,
    #[serde(serialize_with = "iso_day")]
    pub end: Date,
}

/// A day as jiff writes it ("2020-04-14"), written here for years of four
/// digits: jiff's own goes through `fmt`, and every candidate of every
/// draft stored has a day or two (other years are left to jiff).
fn iso_day<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    let Ok(year) = u16::try_from(date.year()) else {
        return date.serialize(serializer);
    };
    if year > 9999 {
        return date.serialize(serializer);
    }
    let digit = |n: u16| b'0' + (n % 10) as u8;
    let (month, day) = (date.month().unsigned_abs(), date.day().unsigned_abs());
    let text = [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        b'0' + month / 10,
        b'0' + month % 10,
        b'-',
        b'0' + day / 10,
        b'0' + day % 10,
    ];
    match std::str::from_utf8(&text) {
        Ok(text) => serializer.serialize_str(text),
        Err(_) => date.serialize(serializer),
    }
}

impl DateRange {
    pub fn day(date: Date) -> Self {
        DateRange {
            start: date,
            end: date,
        }
    }
}

/// A guarantor of the ceasefire, as a bulletin's reporting side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Guarantor {
    Russia,
    Turkey,
    Iran,
}

impl Guarantor {
    pub fn as_str(self) -> &'static str {
        match self {
            Guarantor::Russia => "russia",
            Guarantor::Turkey => "turkey",
            Guarantor::Iran => "iran",
        }
    }
}

/// A count with uncertainty, UCDP style: "at least 12" is low 12, best 12,
/// no high; "dozens" is low 24, best 36, high 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub low: u32,
    pub best: u32,
    pub high: Option<u32>,
}

impl Estimate {
    pub fn exact(n: u32) -> Self {
        Estimate {
            low: n,
            best: n,
            high: Some(n),
        }
    }
}

/// Violations one guarantor registered in one governorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernorateCount {
    /// ISO 3166-2 code, e.g. "SY-LA".
    pub code: String,
    pub name: String,
    /// None where the bulletin names the governorate without a count.
    pub count: Option<u32>,
}

/// Whether a guarantor confirmed another's register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationStatus {
    Confirmed,
    NotConfirmed,
}

/// "could not be confirmed by the Turkish side", "3 of them were confirmed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub status: ConfirmationStatus,
    /// The guarantor that did or did not confirm, when named.
    pub by: Option<Guarantor>,
    /// How many, when only some are meant.
    pub count: Option<u32>,
}

/// One count the text gives for several governorates together ("4 cases
/// in the provinces of Idlib and Hama"). Never split: how the count divides
/// is not in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinedCount {
    /// ISO 3166-2 codes, in the order the text names them.
    pub codes: Vec<String>,
    pub count: u32,
}

/// Running totals a bulletin ends with; they describe the whole process,
/// not the day's register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Settlements that have joined the reconciliation process.
    pub settlements_reconciled: Option<u32>,
    /// Armed formations that have declared that they observe the ceasefire.
    pub formations_joined: Option<u32>,
}

impl Counters {
    pub fn is_empty(&self) -> bool {
        self.settlements_reconciled.is_none() && self.formations_joined.is_none()
    }

    /// Gives the counters, with the spans they were read from, to the
    /// Russian side's count (the Reconciliation Centre publishes them), or
    /// to the first count when no count is Russia's.
    pub(crate) fn give_to(self, counts: &mut [BulletinCount], spans: &[(&'static str, Span)]) {
        let owner = counts
            .iter()
            .position(|c| c.side == Guarantor::Russia)
            .unwrap_or(0);
        let Some(owner) = counts.get_mut(owner) else {
            return;
        };
        owner.counters = self;
        owner
            .evidence
            .extend(spans.iter().map(|&(field, span)| Evidence {
                field: field.into(),
                span,
            }));
    }
}

/// One guarantor's daily register as a bulletin states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinCount {
    pub side: Guarantor,
    pub period: Option<DateRange>,
    /// The total the body of the text gives (or the sum of its counts).
    pub total: Option<u32>,
    /// A different total for this side in the headline: the body's is
    /// taken, this one kept so that a reviewer sees the discrepancy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline_total: Option<u32>,
    pub by_governorate: Vec<GovernorateCount>,
    /// Counts over several governorates together, kept whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub combined: Vec<CombinedCount>,
    /// The bulletin's running totals, on the register of the side that
    /// publishes them (the Russian, whose Centre keeps them), else on the
    /// first.
    #[serde(default, skip_serializing_if = "Counters::is_empty")]
    pub counters: Counters,
    pub violation_types: Vec<ViolationType>,
    pub confirmations: Vec<Confirmation>,
    /// The bulletin says the target was a group excluded from the ceasefire,
    /// so these may not be violations at all.
    pub excluded_target: bool,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
}

/// An actor resolved against the shipped list of states and organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Stable identifier ("russia", "hts", "un").
    pub id: String,
    /// Display name ("Hayat Tahrir al-Sham").
    pub name: String,
}

/// A location resolved through the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// The name as the gazetteer spells it.
    pub name: String,
    /// ISO 3166-2 governorate code, when inside Syria.
    pub governorate: Option<String>,
    /// Coordinates for places; None for a governorate or a foreign venue.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Who was killed or injured, as far as the text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CasualtyGroup {
    Civilians,
    Fighters,
    Unspecified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CasualtyKind {
    Killed,
    Injured,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Casualty {
    pub kind: CasualtyKind,
    pub group: CasualtyGroup,
    pub count: Estimate,
}

/// "Who did what to whom, where and when."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub event_type: EventType,
    pub actor1: Option<Actor>,
    pub actor2: Option<Actor>,
    pub location: Option<Location>,
    pub date: Option<DateRange>,
    pub casualties: Vec<Casualty>,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
}

/// The level at which a meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingLevel {
    Expert,
    DeputyMinister,
    Ministerial,
    HeadsOfState,
}

/// A meeting held or scheduled: a candidate entry for the meetings register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub place: Option<Location>,
    pub date: Option<DateRange>,
    pub level: Option<MeetingLevel>,
    pub participants: Vec<Actor>,
    pub observers: Vec<Actor>,
    /// Announced for the future rather than reported as held.
    pub scheduled: bool,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
}

/// What extraction proposes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Candidate {
    BulletinCount(BulletinCount),
    Event(Event),
    Meeting(Meeting),
}

impl Candidate {
    pub fn confidence(&self) -> Confidence {
        match self {
            Candidate::BulletinCount(b) => b.confidence,
            Candidate::Event(e) => e.confidence,
            Candidate::Meeting(m) => m.confidence,
        }
    }

    /// Moves every evidence span `by` bytes on: a candidate read from a
    /// block of a longer text, placed in that text.
    pub fn shift_evidence(&mut self, by: usize) {
        let evidence = match self {
            Candidate::BulletinCount(b) => &mut b.evidence,
            Candidate::Event(e) => &mut e.evidence,
            Candidate::Meeting(m) => &mut m.evidence,
        };
        for e in evidence {
            e.span = Span::new(e.span.start + by, e.span.end + by);
        }
    }

    pub fn evidence(&self) -> &[Evidence] {
        match self {
            Candidate::BulletinCount(b) => &b.evidence,
            Candidate::Event(e) => &e.evidence,
            Candidate::Meeting(m) => &m.evidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DateRange;
    use jiff::civil::date;

    #[test]
    fn days_are_written_as_jiff_writes_them() {
        for year in [-9999, -1, 0, 1, 9, 99, 999, 1000, 2016, 2020, 9999] {
            for (month, day) in [(1, 1), (2, 29), (4, 14), (9, 30), (10, 5), (12, 31)] {
                let Ok(day) = jiff::civil::Date::new(year, month, day) else {
                    continue;
                };
                let range = DateRange {
                    start: day,
                    end: date(2020, 4, 14),
                };
                let written = serde_json::to_string(&range).expect("serialises");
                assert_eq!(
                    written,
                    format!(r#"{{"start":"{day}","end":"2020-04-14"}}"#),
                    "{day}"
                );
                let read: DateRange = serde_json::from_str(&written).expect("reads back");
                assert_eq!(read, range);
            }
        }
    }
}
