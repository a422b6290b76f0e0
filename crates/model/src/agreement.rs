//! Agreements with their clauses and zones, meetings, and the documents the
//! guarantors draft and approve. Agreements and status changes of
//! formations are adopted through the decision mechanism; meetings and
//! document versions are recorded directly, approvals one guarantor at a time.

use std::collections::HashSet;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{FormationId, FormationStatus, Validate, ValidationError, ViolationType};

checked_string!(
    /// A short handle for an agreement, a clause, a zone or a document, such
    /// as `memorandum-2017` or `art-3.1`: lower-case letters, digits, '-' and '.'.
    Handle,
    "id",
    |s| {
        let valid = !s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
            });
        if valid {
            Ok(())
        } else {
            Err(format!(
                "{s:?} must be 1 to 64 lower-case letters, digits, '-' or '.'"
            ))
        }
    }
);

impl std::str::FromStr for Handle {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Handle::new(s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: Handle,
    /// The clause as the parties wrote it.
    pub text: String,
    /// When the clause prohibits an act the base types do not name
    /// (recruiting children, blocking aid…): the act, and the base type it
    /// is a kind of, so that exports and the reader keep working. A report
    /// names the act by citing the clause. Absent from the encoding when
    /// none, so agreements adopted before read alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prohibits: Option<ProhibitedAct>,
}

/// An act the agreement prohibits, mapped to one of the base violation types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProhibitedAct {
    /// A short name, as bulletins list it ("Recruitment of children").
    pub name: String,
    /// The base type reports of this act must carry.
    pub base_type: ViolationType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    DeEscalation,
    Security,
    SeparationLine,
}

impl ZoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::DeEscalation => "de_escalation",
            ZoneKind::Security => "security",
            ZoneKind::SeparationLine => "separation_line",
        }
    }
}

/// A zone's shape: a polygon (outer ring, then holes) or a line, as
/// `[longitude, latitude]` pairs like GeoJSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ZoneGeometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    Line(Vec<[f64; 2]>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: Handle,
    pub name: String,
    pub kind: ZoneKind,
    pub geometry: ZoneGeometry,
    pub valid_from: Date,
    /// The last day it holds; open-ended when absent.
    pub valid_to: Option<Date>,
}

impl Zone {
    pub fn holds_on(&self, date: Date) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// An agreement as adopted: its clauses and zones. A later adoption of
/// the same agreement id replaces it from then on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementSpec {
    pub id: Handle,
    pub title: String,
    pub clauses: Vec<Clause>,
    pub zones: Vec<Zone>,
}

/// For a designation or a reinstatement: the formation and from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusSpec {
    pub formation: FormationId,
    pub status: FormationStatus,
    pub valid_from: Date,
}

fn check_point(field: &str, point: &[f64; 2]) -> Result<(), ValidationError> {
    let [lon, lat] = *point;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(ValidationError::new(
            field,
            format!("[{lon}, {lat}] is not a longitude and latitude"),
        ));
    }
    Ok(())
}

impl ZoneGeometry {
    fn check(&self) -> Result<(), ValidationError> {
        match self {
            ZoneGeometry::Line(points) => {
                if points.len() < 2 {
                    return Err(ValidationError::new(
                        "geometry",
                        "a line needs 2 points or more",
                    ));
                }
                points.iter().try_for_each(|p| check_point("geometry", p))
            }
            ZoneGeometry::Polygon(rings) => {
                if rings.is_empty() {
                    return Err(ValidationError::new("geometry", "a polygon needs a ring"));
                }
                for (i, ring) in rings.iter().enumerate() {
                    let field = format!("geometry[{i}]");
                    if ring.len() < 4 || ring.first() != ring.last() {
                        return Err(ValidationError::new(
                            field,
                            "a ring needs 4 points or more and must end where it starts",
                        ));
                    }
                    ring.iter().try_for_each(|p| check_point(&field, p))?;
                }
                Ok(())
            }
        }
    }
}

impl Validate for AgreementSpec {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.title.trim().is_empty() {
            return Err(ValidationError::new("title", "must not be empty"));
        }
        if self.clauses.is_empty() && self.zones.is_empty() {
            return Err(ValidationError::new(
                "clauses",
                "an agreement needs clauses or zones",
            ));
        }
        let mut ids = HashSet::new();
        for (i, clause) in self.clauses.iter().enumerate() {
            if !ids.insert(clause.id.as_str()) {
                return Err(ValidationError::new(
                    format!("clauses[{i}].id"),
                    "is used twice",
                ));
            }
            if clause.text.trim().is_empty() {
                return Err(ValidationError::new(
                    format!("clauses[{i}].text"),
                    "must not be empty",
                ));
            }
            if let Some(act) = &clause.prohibits {
                let name = act.name.trim();
                if name.is_empty() || name.chars().count() > 200 {
                    return Err(ValidationError::new(
                        format!("clauses[{i}].prohibits.name"),
                        "must be 1 to 200 characters",
                    ));
                }
            }
        }
        let mut zone_ids = HashSet::new();
        for (i, zone) in self.zones.iter().enumerate() {
            let within = format!("zones[{i}]");
            if !zone_ids.insert(zone.id.as_str()) {
                return Err(ValidationError::new(
                    format!("{within}.id"),
                    "is used twice",
                ));
            }
            if zone.name.trim().is_empty() {
                return Err(ValidationError::new(
                    format!("{within}.name"),
                    "must not be empty",
                ));
            }
            if zone.valid_to.is_some_and(|to| to < zone.valid_from) {
                return Err(ValidationError::new(
                    format!("{within}.valid_to"),
                    "is before valid_from",
                ));
            }
            let is_line = matches!(zone.geometry, ZoneGeometry::Line(_));
            if is_line != (zone.kind == ZoneKind::SeparationLine) {
                return Err(ValidationError::new(
                    format!("{within}.geometry"),
                    "separation lines are lines; other zones are polygons",
                ));
            }
            zone.geometry.check().map_err(|e| e.within(&within))?;
        }
        Ok(())
    }
}

/// The level at which a meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingLevel {
    Expert,
    Ministerial,
    HighLevel,
    Technical,
}

impl MeetingLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingLevel::Expert => "expert",
            MeetingLevel::Ministerial => "ministerial",
            MeetingLevel::HighLevel => "high_level",
            MeetingLevel::Technical => "technical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Scheduled,
    Held,
    Cancelled,
}

/// A meeting of the guarantors, scheduled or held. Recording it again with
/// `updates` set (to the first record's position) amends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingRecorded {
    pub updates: Option<u64>,
    pub level: MeetingLevel,
    pub status: MeetingStatus,
    pub place: String,
    pub date: Date,
    /// Delegations taking part, such as "Russian Federation".
    pub participants: Vec<String>,
    /// Delegations attending as observers, such as "United Nations".
    pub observers: Vec<String>,
    pub agenda: Vec<String>,
    /// What was agreed, for a held meeting.
    pub summary: String,
}

impl Validate for MeetingRecorded {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.place.trim().is_empty() {
            return Err(ValidationError::new("place", "must not be empty"));
        }
        if self.participants.is_empty() {
            return Err(ValidationError::new(
                "participants",
                "must name at least one delegation",
            ));
        }
        for (field, names) in [
            ("participants", &self.participants),
            ("observers", &self.observers),
            ("agenda", &self.agenda),
        ] {
            if let Some(i) = names.iter().position(|n| n.trim().is_empty()) {
                return Err(ValidationError::new(
                    format!("{field}[{i}]"),
                    "must not be empty",
                ));
            }
        }
        Ok(())
    }
}

/// A version of a draft document, identified by the SHA-256 of its bytes;
/// the bytes themselves are kept beside the Record by the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentVersion {
    pub document: Handle,
    pub title: String,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    /// The meeting (its first record's position) that discussed it, if any.
    pub meeting: Option<u64>,
    pub note: String,
}

impl Validate for DocumentVersion {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.title.trim().is_empty() {
            return Err(ValidationError::new("title", "must not be empty"));
        }
        check_sha256(&self.sha256)?;
        if !DOCUMENT_MEDIA_TYPES
            .iter()
            .any(|(allowed, _)| *allowed == self.media_type)
        {
            let allowed: Vec<&str> = DOCUMENT_MEDIA_TYPES.iter().map(|(t, _)| *t).collect();
            return Err(ValidationError::new(
                "media_type",
                format!(
                    "{:?} is not a document type the mechanism keeps; one of {}",
                    self.media_type,
                    allowed.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

/// The kinds of document a version may be, by media type and the file
/// extensions that name it. Nothing a browser runs or renders as a page
/// (HTML, SVG, JavaScript, XML) is among them: a document is only ever
/// downloaded, but a type that could run in the node's origin is refused
/// before it enters the Record.
pub const DOCUMENT_MEDIA_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("text/plain", &["txt"]),
    ("text/markdown", &["md", "markdown"]),
    ("text/csv", &["csv"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/webp", &["webp"]),
    ("image/gif", &["gif"]),
    ("image/tiff", &["tif", "tiff"]),
    ("application/rtf", &["rtf"]),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
    ("application/vnd.ms-powerpoint", &["ppt"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
    ("application/vnd.oasis.opendocument.presentation", &["odp"]),
];

/// The document media type a file extension names, if it is an allowed one.
pub fn document_media_type_of_extension(extension: &str) -> Option<&'static str> {
    let extension = extension.to_ascii_lowercase();
    DOCUMENT_MEDIA_TYPES
        .iter()
        .find(|(_, extensions)| extensions.contains(&extension.as_str()))
        .map(|(media_type, _)| *media_type)
}

/// A guarantor approves one version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentApproved {
    pub document: Handle,
    pub sha256: String,
}

impl Validate for DocumentApproved {
    fn validate(&self) -> Result<(), ValidationError> {
        check_sha256(&self.sha256)
    }
}

pub(crate) fn check_sha256(value: &str) -> Result<(), ValidationError> {
    let ok = value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "sha256",
            "must be 64 lower-case hex digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(kind: ZoneKind, geometry: ZoneGeometry) -> Zone {
        Zone {
            id: Handle::new("idlib").unwrap(),
            name: "Idlib de-escalation zone".into(),
            kind,
            geometry,
            valid_from: "2017-05-06".parse().unwrap(),
            valid_to: None,
        }
    }

    fn square() -> ZoneGeometry {
        ZoneGeometry::Polygon(vec![vec![
            [36.0, 35.5],
            [37.0, 35.5],
            [37.0, 36.5],
            [36.0, 36.5],
            [36.0, 35.5],
        ]])
    }

    fn agreement(zones: Vec<Zone>) -> AgreementSpec {
        AgreementSpec {
            id: Handle::new("memorandum-2017").unwrap(),
            title: "Memorandum on de-escalation areas".into(),
            clauses: vec![Clause {
                id: Handle::new("art-1").unwrap(),
                text: "The parties cease hostilities in the areas.".into(),
                prohibits: None,
            }],
            zones,
        }
    }

    #[test]
    fn zones_are_checked_by_shape_and_time() {
        assert!(agreement(vec![zone(ZoneKind::DeEscalation, square())])
            .validate()
            .is_ok());
        let open_ring = ZoneGeometry::Polygon(vec![vec![
            [36.0, 35.5],
            [37.0, 35.5],
            [37.0, 36.5],
            [36.0, 36.5],
        ]]);
        assert_eq!(
            agreement(vec![zone(ZoneKind::DeEscalation, open_ring)])
                .validate()
                .unwrap_err()
                .field,
            "zones[0].geometry[0]"
        );
        let polygon_line = zone(ZoneKind::SeparationLine, square());
        assert_eq!(
            agreement(vec![polygon_line]).validate().unwrap_err().field,
            "zones[0].geometry"
        );
        let mut backwards = zone(ZoneKind::DeEscalation, square());
        backwards.valid_to = Some("2017-01-01".parse().unwrap());
        assert_eq!(
            agreement(vec![backwards]).validate().unwrap_err().field,
            "zones[0].valid_to"
        );
        assert!(Handle::new("Art 1").is_err());
    }
}
