//! Bodies of the register: formations, reports of violations, incidents and
//! assessments. Checks here need no context; the rules that depend on the
//! Record (does the formation exist, is the point inside the country) live
//! in the regime crate.

use std::fmt;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Validate, ValidationError};

checked_string!(
    /// A formation's handle, such as `hts` or `jaysh-al-islam`: lower-case
    /// letters, digits and '-', 1 to 64 characters.
    FormationId,
    "formation",
    crate::names::slug
);

/// A report is named by the position of the statement that filed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportId(pub u64);

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R-{}", self.0)
    }
}

/// A position named with one of `letters` in front, as the Record's ids
/// are written: `R-12`, `r12`, `12` (the letter and the dash optional, any
/// case). `None` for anything else.
pub fn prefixed_position(text: &str, letters: &[char]) -> Option<u64> {
    let text = text.trim();
    let digits = match text.chars().next() {
        Some(c) if letters.iter().any(|l| l.eq_ignore_ascii_case(&c)) => {
            let rest = &text[c.len_utf8()..];
            rest.strip_prefix('-').unwrap_or(rest)
        }
        _ => text,
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

impl std::str::FromStr for ReportId {
    type Err = ValidationError;

    /// `R-12`, `r12` or `12`; an incident's id (`I-12`) names one of its reports.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        prefixed_position(text, &['R', 'I'])
            .map(ReportId)
            .ok_or_else(|| {
                ValidationError::new(
                    "report",
                    format!("{text:?} is not a report id such as R-12"),
                )
            })
    }
}

/// Which camp a formation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Government,
    Opposition,
    KurdishLed,
    ForeignForces,
    Other,
}

/// A formation's standing in the ceasefire regime from a date on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormationStatus {
    /// Declared adherence to the ceasefire.
    Joined,
    /// Designated and excluded: strikes on it are not violations.
    Excluded,
    /// Temporarily outside the regime, pending compliance.
    Suspended,
}

impl FormationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FormationStatus::Joined => "joined",
            FormationStatus::Excluded => "excluded",
            FormationStatus::Suspended => "suspended",
        }
    }
}

/// A guarantor registers an armed formation or force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormationRegistered {
    pub formation: FormationId,
    pub name: String,
    pub aliases: Vec<String>,
    pub side: Side,
}

impl Validate for FormationRegistered {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name, 200)?;
        for (i, alias) in self.aliases.iter().enumerate() {
            non_empty(&format!("aliases[{i}]"), alias, 200)?;
        }
        Ok(())
    }
}

/// A formation's status changes from `valid_from` on (valid time, which may
/// precede the statement: a designation can be recorded after the fact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormationStatusChanged {
    pub formation: FormationId,
    pub status: FormationStatus,
    pub valid_from: Date,
    /// The agreement joined or the designation decided, e.g. "Astana memorandum of 4 May 2017".
    pub reference: String,
}

impl Validate for FormationStatusChanged {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("reference", &self.reference, 500)
    }
}

/// The kinds of violation, each mapped to ACLED's event and sub-event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationType {
    Shelling,
    AirStrike,
    GroundAssault,
    SmallArms,
    Ied,
    ForcesMovement,
    Obstruction,
    DetentionAbduction,
    Other,
}

impl ViolationType {
    pub const ALL: [ViolationType; 9] = [
        ViolationType::Shelling,
        ViolationType::AirStrike,
        ViolationType::GroundAssault,
        ViolationType::SmallArms,
        ViolationType::Ied,
        ViolationType::ForcesMovement,
        ViolationType::Obstruction,
        ViolationType::DetentionAbduction,
        ViolationType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ViolationType::Shelling => "shelling",
            ViolationType::AirStrike => "air_strike",
            ViolationType::GroundAssault => "ground_assault",
            ViolationType::SmallArms => "small_arms",
            ViolationType::Ied => "ied",
            ViolationType::ForcesMovement => "forces_movement",
            ViolationType::Obstruction => "obstruction",
            ViolationType::DetentionAbduction => "detention_abduction",
            ViolationType::Other => "other",
        }
    }

    /// Words for bulletins: "cases of shelling".
    pub fn describe(self) -> &'static str {
        match self {
            ViolationType::Shelling => "shelling",
            ViolationType::AirStrike => "air strikes",
            ViolationType::GroundAssault => "ground assaults",
            ViolationType::SmallArms => "small-arms or sniper fire",
            ViolationType::Ied => "explosive devices",
            ViolationType::ForcesMovement => "movement of forces into a restricted zone",
            ViolationType::Obstruction => "obstruction of aid or monitors",
            ViolationType::DetentionAbduction => "detention or abduction",
            ViolationType::Other => "other violations",
        }
    }

    /// ACLED's (event_type, sub_event_type) for exports.
    pub fn acled(self) -> (&'static str, &'static str) {
        match self {
            ViolationType::Shelling => (
                "Explosions/Remote violence",
                "Shelling/artillery/missile attack",
            ),
            ViolationType::AirStrike => ("Explosions/Remote violence", "Air/drone strike"),
            ViolationType::GroundAssault | ViolationType::SmallArms => ("Battles", "Armed clash"),
            ViolationType::Ied => (
                "Explosions/Remote violence",
                "Remote explosive/landmine/IED",
            ),
            ViolationType::ForcesMovement => ("Strategic developments", "Change to group/activity"),
            ViolationType::Obstruction | ViolationType::Other => {
                ("Strategic developments", "Other")
            }
            ViolationType::DetentionAbduction => (
                "Violence against civilians",
                "Abduction/forced disappearance",
            ),
        }
    }

    /// Types that can describe the same event when two sides report it
    /// (one side's shelling is often the other's air strike).
    pub fn compatible_with(self, other: ViolationType) -> bool {
        use ViolationType::*;
        let remote = |t| matches!(t, Shelling | AirStrike | Ied);
        let direct = |t| matches!(t, GroundAssault | SmallArms);
        self == other
            || (remote(self) && remote(other))
            || (direct(self) && direct(other))
            || self == Other
            || other == Other
    }
}

impl std::str::FromStr for ViolationType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ViolationType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = ViolationType::ALL.iter().map(|t| t.as_str()).collect();
                ValidationError::new(
                    "type",
                    format!("unknown type {s:?}; one of {}", known.join(", ")),
                )
            })
    }
}

/// How precisely the time of an event is known (ACLED codes 1–3 for day, week, month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePrecision {
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

impl TimePrecision {
    pub fn acled_code(self) -> u8 {
        match self {
            TimePrecision::Minute | TimePrecision::Hour | TimePrecision::Day => 1,
            TimePrecision::Week => 2,
            TimePrecision::Month => 3,
        }
    }
}

/// How precisely the place is known (ACLED geo_precision 1–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoPrecision {
    /// The point itself.
    Exact,
    /// Near the point: a town's outskirts, a named area.
    Near,
    /// Only the district or governorate is known; the point is its centre.
    Region,
}

impl GeoPrecision {
    pub fn acled_code(self) -> u8 {
        match self {
            GeoPrecision::Exact => 1,
            GeoPrecision::Near => 2,
            GeoPrecision::Region => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub precision: GeoPrecision,
    /// The place as the reporter names it, e.g. "Khan Shaykhun, southern outskirts".
    pub place: String,
}

/// Who fired, or who was hit: a registered formation, or unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Formation(FormationId),
    /// Not identified; the text says what is known ("civilians", "unidentified armed group").
    Unknown(String),
}

impl Actor {
    pub fn formation(&self) -> Option<&FormationId> {
        match self {
            Actor::Formation(id) => Some(id),
            Actor::Unknown(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Killed,
    Injured,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Civilian,
    Combatant,
    Unknown,
}

/// A casualty figure with UCDP-style low, best and high estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Casualties {
    pub outcome: Outcome,
    pub status: PersonStatus,
    pub low: u32,
    pub best: u32,
    pub high: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    OwnObservation,
    Monitor,
    LocalContact,
    Official,
    Media,
    SocialMedia,
    OtherGuarantor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub kind: SourceKind,
    pub description: String,
}

/// A file kept beside the Record, named by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// 64 lower-case hex digits.
    pub sha256: String,
    pub media_type: String,
    pub bytes: u64,
    pub description: String,
}

/// Largest evidence file a report may cite.
pub const MAX_EVIDENCE_BYTES: u64 = 512 * 1024 * 1024;

/// Where the observer stood and what they saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    pub lat: f64,
    pub lon: f64,
    /// Degrees clockwise from north, 0 to 360.
    pub bearing: f64,
    pub distance_m: u32,
}

/// Everything a guarantor says about one violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFields {
    /// Local time in Syria of the event (or its start).
    pub occurred: DateTime,
    pub time_precision: TimePrecision,
    pub location: Location,
    #[serde(rename = "type")]
    pub violation_type: ViolationType,
    /// Clause of an agreement the violation breaches, if cited.
    pub clause: Option<String>,
    pub perpetrator: Actor,
    pub target: Actor,
    pub casualties: Vec<Casualties>,
    pub sources: Vec<Source>,
    pub evidence: Vec<Evidence>,
    pub narrative: String,
    pub observation: Option<Observation>,
}

impl Validate for ReportFields {
    fn validate(&self) -> Result<(), ValidationError> {
        check_coordinates("location", self.location.lat, self.location.lon)?;
        non_empty("location.place", &self.location.place, 300)?;
        non_empty("narrative", &self.narrative, 20_000)?;
        if let Some(clause) = &self.clause {
            non_empty("clause", clause, 100)?;
        }
        if let Actor::Unknown(text) = &self.perpetrator {
            non_empty("perpetrator.unknown", text, 300)?;
        }
        if let Actor::Unknown(text) = &self.target {
            non_empty("target.unknown", text, 300)?;
        }
        for (i, c) in self.casualties.iter().enumerate() {
            if !(c.low <= c.best && c.best <= c.high) {
                return Err(ValidationError::new(
                    format!("casualties[{i}]"),
                    format!(
                        "needs low <= best <= high, got {}/{}/{}",
                        c.low, c.best, c.high
                    ),
                ));
            }
        }
        if self.sources.is_empty() {
            return Err(ValidationError::new("sources", "name at least one source"));
        }
        for (i, s) in self.sources.iter().enumerate() {
            non_empty(&format!("sources[{i}].description"), &s.description, 500)?;
        }
        for (i, e) in self.evidence.iter().enumerate() {
            check_evidence(i, e)?;
        }
        if let Some(o) = &self.observation {
            check_coordinates("observation", o.lat, o.lon)?;
            if !(0.0..=360.0).contains(&o.bearing) {
                return Err(ValidationError::new(
                    "observation.bearing",
                    "must be 0 to 360 degrees",
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn check_evidence(i: usize, e: &Evidence) -> Result<(), ValidationError> {
    let field = |name: &str| format!("evidence[{i}].{name}");
    let hex = e.sha256.len() == 64
        && e.sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(ValidationError::new(
            field("sha256"),
            "must be 64 lower-case hex digits",
        ));
    }
    if !e.media_type.contains('/') || e.media_type.len() > 100 {
        return Err(ValidationError::new(
            field("media_type"),
            "must be a media type such as image/jpeg",
        ));
    }
    if e.bytes == 0 || e.bytes > MAX_EVIDENCE_BYTES {
        return Err(ValidationError::new(
            field("bytes"),
            format!("must be 1 to {MAX_EVIDENCE_BYTES} bytes, got {}", e.bytes),
        ));
    }
    Ok(())
}

pub(crate) fn check_coordinates(field: &str, lat: f64, lon: f64) -> Result<(), ValidationError> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(ValidationError::new(
            format!("{field}.lat"),
            "must be -90 to 90",
        ));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(ValidationError::new(
            format!("{field}.lon"),
            "must be -180 to 180",
        ));
    }
    Ok(())
}

pub(crate) fn non_empty(field: &str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFiled {
    pub report: ReportFields,
}

impl Validate for ReportFiled {
    fn validate(&self) -> Result<(), ValidationError> {
        self.report.validate().map_err(|e| e.within("report"))
    }
}

/// The filer replaces its report's fields; the earlier version stays in the Record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportAmended {
    pub amends: ReportId,
    pub report: ReportFields,
    pub reason: String,
}

impl Validate for ReportAmended {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("reason", &self.reason, 2_000)?;
        self.report.validate().map_err(|e| e.within("report"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportWithdrawn {
    pub withdraws: ReportId,
    pub reason: String,
}

impl Validate for ReportWithdrawn {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("reason", &self.reason, 2_000)
    }
}

/// A member says two reports describe the same event (or, unlinking, that
/// a report stands alone), overriding the automatic grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentLink {
    pub report: ReportId,
    /// Another report of the incident to join; `None` detaches `report`.
    pub with: Option<ReportId>,
    pub reason: String,
}

impl Validate for IncidentLink {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.with == Some(self.report) {
            return Err(ValidationError::new(
                "with",
                "a report cannot be linked to itself",
            ));
        }
        non_empty("reason", &self.reason, 2_000)
    }
}

/// A guarantor's position on an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Confirmed,
    CannotConfirm,
    Disputed,
    /// The target was excluded from the ceasefire: not a violation.
    NotAViolation,
}

impl Position {
    pub const ALL: [Position; 4] = [
        Position::Confirmed,
        Position::CannotConfirm,
        Position::Disputed,
        Position::NotAViolation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Position::Confirmed => "confirmed",
            Position::CannotConfirm => "cannot_confirm",
            Position::Disputed => "disputed",
            Position::NotAViolation => "not_a_violation",
        }
    }
}

/// A guarantor member's position on the incident that holds `incident`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Any report of the incident.
    pub incident: ReportId,
    pub position: Position,
    /// Who the assessor attributes the violation to, when confirming.
    pub attributed_to: Option<FormationId>,
    pub reason: String,
    /// Positions of entries the assessment relies on.
    pub references: Vec<u64>,
}

impl Validate for Assessment {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("reason", &self.reason, 5_000)
    }
}

/// A guarantor declines a complaint sent to the node from outside the
/// mechanism (a party, a civilian, an organisation), with the reason on
/// the Record. The complaint is named by the SHA-256 of its text as the
/// node keeps it, never by its content: a complaint taken up instead
/// becomes a report that names the same hash among its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintDeclined {
    /// 64 lower-case hex digits.
    pub complaint: String,
    pub reason: String,
}

impl Validate for ComplaintDeclined {
    fn validate(&self) -> Result<(), ValidationError> {
        crate::agreement::check_sha256(&self.complaint)
            .map_err(|_| ValidationError::new("complaint", "must be 64 lower-case hex digits"))?;
        non_empty("reason", &self.reason, 2_000)
    }
}

#[cfg(test)]
mod id_tests {
    use super::*;

    #[test]
    fn ids_read_as_they_are_written() {
        for text in ["R-12", "r-12", "R12", "r12", "12", "I-12", " R-12 "] {
            assert_eq!(text.parse::<ReportId>().unwrap(), ReportId(12), "{text}");
        }
        for text in ["", "R-", "R--12", "R-+12", "D-12", "R-1x", "R-١٢", "-12"] {
            assert!(text.parse::<ReportId>().is_err(), "{text}");
        }
        assert_eq!(prefixed_position("M-1093", &['M']), Some(1093));
        assert_eq!(prefixed_position("R-18446744073709551616", &['R']), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn report() -> ReportFields {
        ReportFields {
            occurred: "2026-11-20T14:30".parse().unwrap(),
            time_precision: TimePrecision::Hour,
            location: Location {
                lat: 35.93,
                lon: 36.63,
                precision: GeoPrecision::Near,
                place: "Idlib, eastern outskirts".into(),
            },
            violation_type: ViolationType::Shelling,
            clause: None,
            perpetrator: Actor::Unknown("unidentified artillery".into()),
            target: Actor::Unknown("residential area".into()),
            casualties: vec![Casualties {
                outcome: Outcome::Injured,
                status: PersonStatus::Civilian,
                low: 2,
                best: 3,
                high: 5,
            }],
            sources: vec![Source {
                kind: SourceKind::OwnObservation,
                description: "observation post 7".into(),
            }],
            evidence: vec![],
            narrative: "Six mortar rounds landed east of the city.".into(),
            observation: None,
        }
    }

    #[test]
    fn a_good_report_validates() {
        report().validate().unwrap();
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut r = report();
        r.casualties[0].best = 9;
        assert_eq!(r.validate().unwrap_err().field, "casualties[0]");
        let mut r = report();
        r.location.lat = 91.0;
        assert_eq!(r.validate().unwrap_err().field, "location.lat");
        let mut r = report();
        r.sources.clear();
        assert_eq!(r.validate().unwrap_err().field, "sources");
        let mut r = report();
        r.evidence.push(Evidence {
            sha256: "ab".repeat(32),
            media_type: "video/mp4".into(),
            bytes: MAX_EVIDENCE_BYTES + 1,
            description: "drone footage".into(),
        });
        assert_eq!(r.validate().unwrap_err().field, "evidence[0].bytes");
        let filed = ReportFiled {
            report: {
                let mut r = report();
                r.narrative = " ".into();
                r
            },
        };
        assert_eq!(filed.validate().unwrap_err().field, "report.narrative");
    }

    #[test]
    fn remote_fire_types_are_compatible_but_not_with_detention() {
        assert!(ViolationType::Shelling.compatible_with(ViolationType::AirStrike));
        assert!(!ViolationType::Shelling.compatible_with(ViolationType::DetentionAbduction));
        assert_eq!(ViolationType::AirStrike.acled().1, "Air/drone strike");
    }

    #[test]
    fn formation_ids_are_slugs() {
        assert!(FormationId::new("jaysh-al-islam").is_ok());
        assert!(FormationId::new("Jaysh al-Islam").is_err());
    }
}
