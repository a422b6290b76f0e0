//! What the monitors could and could not see: denials and restrictions of
//! their access (and threats against them, and jamming of their drones and
//! signals), and the monitoring assets — posts, cameras, patrol areas,
//! drones — with what each covers and whether it is working. Without
//! these, a governorate with no report reads "no violation observed" even
//! on a day nobody could look. An access restriction is named by the
//! position of its statement (`A-12`), an asset by its own handle.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::register::prefixed_position;
use crate::{FormationId, Party, Validate, ValidationError};

/// Longest description of what a restriction prevented, in characters.
pub const MAX_PREVENTED_CHARS: usize = 1_000;
/// Longest name of an asset, in characters.
pub const MAX_ASSET_NAME_CHARS: usize = 200;
/// Most governorates one asset may cover.
pub const MAX_COVERED_GOVERNORATES: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessId(pub u64);

impl fmt::Display for AccessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "A-{}", self.0)
    }
}

impl std::str::FromStr for AccessId {
    type Err = ValidationError;

    /// `A-12`, `a12` or `12`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        prefixed_position(text, &['A'])
            .map(AccessId)
            .ok_or_else(|| ValidationError::new("access", format!("{text:?} is not A-<position>")))
    }
}

/// Who denied or restricted access: the formation when it is known, else
/// the party as the monitors name it ("Syrian Arab Army", "unknown").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AccessActor {
    Formation(FormationId),
    Party(Party),
}

impl fmt::Display for AccessActor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessActor::Formation(id) => write!(f, "{id}"),
            AccessActor::Party(party) => write!(f, "{party}"),
        }
    }
}

/// What kind of impediment it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// The monitors were turned back.
    Denial,
    /// Let through only in part: delayed, escorted, a route closed.
    Restriction,
    /// The monitors were threatened.
    Threat,
    /// A drone's or a signal's link was jammed.
    Jamming,
}

impl AccessKind {
    pub const ALL: [AccessKind; 4] = [
        AccessKind::Denial,
        AccessKind::Restriction,
        AccessKind::Threat,
        AccessKind::Jamming,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Denial => "denial",
            AccessKind::Restriction => "restriction",
            AccessKind::Threat => "threat",
            AccessKind::Jamming => "jamming",
        }
    }

    /// Whether it kept the monitors from seeing the place at all: a
    /// restriction or a threat slows them, a denial or jamming blinds them.
    pub fn blinds(self) -> bool {
        matches!(self, AccessKind::Denial | AccessKind::Jamming)
    }
}

impl std::str::FromStr for AccessKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccessKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "kind",
                    format!("unknown kind {s:?}; one of denial, restriction, threat, jamming"),
                )
            })
    }
}

/// A point in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Validate for Point {
    fn validate(&self) -> Result<(), ValidationError> {
        if !(self.lat.is_finite() && (-90.0..=90.0).contains(&self.lat)) {
            return Err(ValidationError::new("lat", "must be -90 to 90"));
        }
        if !(self.lon.is_finite() && (-180.0..=180.0).contains(&self.lon)) {
            return Err(ValidationError::new("lon", "must be -180 to 180"));
        }
        Ok(())
    }
}

/// Where access was restricted: a point, or a whole governorate by its
/// ISO 3166-2 code (`SY-ID`) when no point is known. Whether the point
/// lies in the country, or the code names a governorate, the register
/// checks against its gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AccessPlace {
    Point(Point),
    Governorate(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRestricted {
    pub by: AccessActor,
    pub at: AccessPlace,
    pub kind: AccessKind,
    /// When it began.
    pub from: Timestamp,
    /// When it ended, or is expected to.
    pub until: Timestamp,
    /// What the monitors were kept from doing ("the patrol to the
    /// crossing at Saraqib", "the UAV flight over the M4").
    pub prevented: String,
}

impl Validate for AccessRestricted {
    fn validate(&self) -> Result<(), ValidationError> {
        if let AccessPlace::Point(point) = &self.at {
            point.validate().map_err(|e| e.within("at.point"))?;
        }
        if self.until <= self.from {
            return Err(ValidationError::new(
                "until",
                format!("{} is not after from ({})", self.until, self.from),
            ));
        }
        plain_text("prevented", &self.prevented, MAX_PREVENTED_CHARS)
    }
}

checked_string!(
    /// A monitoring asset's handle, such as `op-7` or `uav-north`:
    /// lower-case letters, digits and '-', 1 to 64 characters.
    AssetId,
    "asset",
    crate::names::slug
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    /// A fixed observation post.
    Post,
    Camera,
    /// The area a patrol covers.
    PatrolArea,
    /// An unmanned aerial vehicle.
    Uav,
}

impl AssetKind {
    pub const ALL: [AssetKind; 4] = [
        AssetKind::Post,
        AssetKind::Camera,
        AssetKind::PatrolArea,
        AssetKind::Uav,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Post => "post",
            AssetKind::Camera => "camera",
            AssetKind::PatrolArea => "patrol_area",
            AssetKind::Uav => "uav",
        }
    }
}

impl std::str::FromStr for AssetKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AssetKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "kind",
                    format!("unknown kind {s:?}; one of post, camera, patrol_area, uav"),
                )
            })
    }
}

/// What an asset covers: the governorates it watches (ISO 3166-2 codes),
/// or the point it stands at, which covers the governorate that holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Covers {
    Governorates(Vec<String>),
    Point(Point),
}

/// A guarantor registers one of its monitoring assets, working from
/// `working_from` until a status statement says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetRegistered {
    pub asset: AssetId,
    pub kind: AssetKind,
    /// "Observation post 7, Tell Rifaat".
    pub name: String,
    pub covers: Covers,
    pub working_from: Timestamp,
}

impl Validate for AssetRegistered {
    fn validate(&self) -> Result<(), ValidationError> {
        plain_text("name", &self.name, MAX_ASSET_NAME_CHARS)?;
        match &self.covers {
            Covers::Point(point) => point.validate().map_err(|e| e.within("covers.point")),
            Covers::Governorates(codes) if codes.is_empty() => Err(ValidationError::new(
                "covers.governorates",
                "must name at least one governorate",
            )),
            Covers::Governorates(codes) if codes.len() > MAX_COVERED_GOVERNORATES => {
                Err(ValidationError::new(
                    "covers.governorates",
                    format!("at most {MAX_COVERED_GOVERNORATES}"),
                ))
            }
            Covers::Governorates(codes) => {
                let mut seen = std::collections::BTreeSet::new();
                for (i, code) in codes.iter().enumerate() {
                    if !seen.insert(code) {
                        return Err(ValidationError::new(
                            format!("covers.governorates[{i}]"),
                            format!("{code:?} is named twice"),
                        ));
                    }
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    Working,
    Down,
}

impl AssetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Working => "working",
            AssetStatus::Down => "down",
        }
    }
}

impl std::str::FromStr for AssetStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "working" => Ok(AssetStatus::Working),
            "down" => Ok(AssetStatus::Down),
            _ => Err(ValidationError::new(
                "status",
                format!("unknown status {s:?}; working or down"),
            )),
        }
    }
}

/// An asset is working, or down, from a time on (valid time: an outage
/// may be recorded after the fact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetStatusChanged {
    pub asset: AssetId,
    pub status: AssetStatus,
    pub from: Timestamp,
}

impl Validate for AssetStatusChanged {
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

/// One line of text: not empty, at most `max_chars`, no control character
/// (not even a newline: these are labels, shown in lists and tables).
fn plain_text(field: &str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(ValidationError::new(
            field,
            format!("{chars} characters; at most {max_chars}"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters (one line of text)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restricted() -> AccessRestricted {
        AccessRestricted {
            by: AccessActor::Formation(FormationId::new("hts").unwrap()),
            at: AccessPlace::Point(Point {
                lat: 35.93,
                lon: 36.63,
            }),
            kind: AccessKind::Denial,
            from: "2026-12-01T06:00:00Z".parse().unwrap(),
            until: "2026-12-01T18:00:00Z".parse().unwrap(),
            prevented: "The patrol to the crossing at Saraqib".into(),
        }
    }

    #[test]
    fn a_restriction_names_the_field_it_refuses() {
        restricted().validate().unwrap();
        let mut backwards = restricted();
        backwards.until = backwards.from;
        assert_eq!(backwards.validate().unwrap_err().field, "until");
        let mut multiline = restricted();
        multiline.prevented = "a\nb".into();
        assert_eq!(multiline.validate().unwrap_err().field, "prevented");
        let mut long = restricted();
        long.prevented = "x".repeat(MAX_PREVENTED_CHARS + 1);
        assert!(long.validate().unwrap_err().reason.contains("at most 1000"));
        let mut off_the_globe = restricted();
        off_the_globe.at = AccessPlace::Point(Point {
            lat: 91.0,
            lon: 36.0,
        });
        assert_eq!(off_the_globe.validate().unwrap_err().field, "at.point.lat");
    }

    #[test]
    fn bodies_read_from_json() {
        let json = r#"{"by":{"party":"Syrian Arab Army"},"at":{"governorate":"SY-ID"},"kind":"jamming","from":"2026-12-01T06:00:00Z","until":"2026-12-02T06:00:00Z","prevented":"UAV flight over the M4"}"#;
        let body: AccessRestricted = serde_json::from_str(json).unwrap();
        assert_eq!(body.at, AccessPlace::Governorate("SY-ID".into()));
        assert!(body.kind.blinds());
        let asset = r#"{"asset":"op-7","kind":"post","name":"Observation post 7","covers":{"governorates":["SY-ID","SY-HL"]},"working_from":"2026-12-01T00:00:00Z"}"#;
        let asset: AssetRegistered = serde_json::from_str(asset).unwrap();
        asset.validate().unwrap();
        let twice = r#"{"asset":"op-7","kind":"post","name":"x","covers":{"governorates":["SY-ID","SY-ID"]},"working_from":"2026-12-01T00:00:00Z"}"#;
        let twice: AssetRegistered = serde_json::from_str(twice).unwrap();
        assert_eq!(
            twice.validate().unwrap_err().field,
            "covers.governorates[1]"
        );
        assert!(serde_json::from_str::<AssetStatusChanged>(
            r#"{"asset":"Op 7","status":"down","from":"2026-12-01T00:00:00Z"}"#
        )
        .is_err());
        assert_eq!("A-12".parse::<AccessId>().unwrap(), AccessId(12));
        assert!("Q-12".parse::<AccessId>().is_err());
    }
}
