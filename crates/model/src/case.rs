//! Verification cases: a guarantor opens a case on an incident or on a
//! complaint, a team or post is tasked, the visit is recorded (when, where,
//! who, interviews, evidence by hash), each guarantor party states its
//! position with a severity, and the case closes once the finding rule
//! holds for one severity and one responsible formation. A case is named
//! by the position of the statement that opened it (`V-12`).

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::register::{check_coordinates, check_evidence, non_empty, prefixed_position};
use crate::{Evidence, FormationId, ReportId, Validate, ValidationError};

/// Longest question, summary or reason, in characters.
pub const MAX_CASE_TEXT_CHARS: usize = 5_000;
/// Longest name of a team, post, place or person, in characters.
pub const MAX_CASE_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(pub u64);

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "V-{}", self.0)
    }
}

impl std::str::FromStr for CaseId {
    type Err = ValidationError;

    /// `V-12`, `v12` or `12`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        prefixed_position(text, &['V', 'v'])
            .map(CaseId)
            .ok_or_else(|| ValidationError::new("case", format!("{text:?} is not V-<position>")))
    }
}

/// What a case verifies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseSubject {
    /// The incident that holds this report.
    Incident(ReportId),
    /// A complaint sent to the node, by the SHA-256 of its text.
    Complaint(String),
}

/// The mechanism's scale for a verified event, mildest first: whether it
/// was an incident at all, and if so whether it broke the ceasefire and
/// how gravely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    NotAnIncident,
    RelevantIncident,
    NotAViolation,
    MinorViolation,
    SeriousViolation,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::NotAnIncident,
        Severity::RelevantIncident,
        Severity::NotAViolation,
        Severity::MinorViolation,
        Severity::SeriousViolation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::NotAnIncident => "not_an_incident",
            Severity::RelevantIncident => "relevant_incident",
            Severity::NotAViolation => "not_a_violation",
            Severity::MinorViolation => "minor_violation",
            Severity::SeriousViolation => "serious_violation",
        }
    }

    pub fn is_violation(self) -> bool {
        matches!(self, Severity::MinorViolation | Severity::SeriousViolation)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOpened {
    pub about: CaseSubject,
    /// What the case is to establish.
    pub question: String,
}

impl Validate for CaseOpened {
    fn validate(&self) -> Result<(), ValidationError> {
        if let CaseSubject::Complaint(sha256) = &self.about {
            crate::agreement::check_sha256(sha256).map_err(|_| {
                ValidationError::new("about.complaint", "must be 64 lower-case hex digits")
            })?;
        }
        non_empty("question", &self.question, MAX_CASE_TEXT_CHARS)
    }
}

/// A team or post is given the case to verify on the ground.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseTasked {
    pub case: CaseId,
    /// The team, patrol or post tasked.
    pub team: String,
    pub instructions: String,
}

impl Validate for CaseTasked {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("team", &self.team, MAX_CASE_NAME_CHARS)?;
        non_empty("instructions", &self.instructions, MAX_CASE_TEXT_CHARS)
    }
}

/// Where a visit went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitPlace {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The team's visit to the site, as it reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseVisited {
    pub case: CaseId,
    /// When the team was on the site (not after the statement).
    pub visited_at: Timestamp,
    pub place: VisitPlace,
    /// Who went: names or call signs.
    pub team_members: Vec<String>,
    /// How many people were interviewed.
    pub interviews: u32,
    /// Photographs, statements, fragments: files beside the Record, by hash.
    pub evidence: Vec<Evidence>,
    pub summary: String,
}

impl Validate for CaseVisited {
    fn validate(&self) -> Result<(), ValidationError> {
        non_empty("place.name", &self.place.name, MAX_CASE_NAME_CHARS)?;
        check_coordinates("place", self.place.lat, self.place.lon)?;
        if self.team_members.is_empty() || self.team_members.len() > 50 {
            return Err(ValidationError::new(
                "team_members",
                "must name 1 to 50 people",
            ));
        }
        for (i, name) in self.team_members.iter().enumerate() {
            non_empty(&format!("team_members[{i}]"), name, MAX_CASE_NAME_CHARS)?;
        }
        if self.interviews > 10_000 {
            return Err(ValidationError::new("interviews", "must be at most 10000"));
        }
        if self.evidence.len() > 100 {
            return Err(ValidationError::new("evidence", "at most 100 files"));
        }
        for (i, evidence) in self.evidence.iter().enumerate() {
            check_evidence(i, evidence)?;
        }
        non_empty("summary", &self.summary, MAX_CASE_TEXT_CHARS)
    }
}

/// A guarantor party's position on a case: the severity it holds, the
/// formation it holds responsible where it finds a violation, and why. A
/// later position of the same party replaces its earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasePosition {
    pub case: CaseId,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<FormationId>,
    pub reason: String,
}

impl Validate for CasePosition {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.responsible.is_some() && !self.severity.is_violation() {
            return Err(ValidationError::new(
                "responsible",
                "only a minor or serious violation has a responsible formation",
            ));
        }
        non_empty("reason", &self.reason, MAX_CASE_TEXT_CHARS)
    }
}

/// How long each step of a case may take, counted from its opening. Part
/// of the Record's parameters, so every copy sees the same cases overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDeadlines {
    pub task_within_days: u16,
    pub visit_within_days: u16,
    pub finding_within_days: u16,
}

impl Default for CaseDeadlines {
    fn default() -> Self {
        Self {
            task_within_days: 2,
            visit_within_days: 7,
            finding_within_days: 21,
        }
    }
}

impl CaseDeadlines {
    pub fn is_default(&self) -> bool {
        *self == CaseDeadlines::default()
    }
}

impl Validate for CaseDeadlines {
    fn validate(&self) -> Result<(), ValidationError> {
        let days = [
            self.task_within_days,
            self.visit_within_days,
            self.finding_within_days,
        ];
        if days.iter().any(|d| !(1..=365).contains(d)) {
            return Err(ValidationError::new(
                "cases",
                "each deadline must be 1 to 365 days",
            ));
        }
        if !(days[0] <= days[1] && days[1] <= days[2]) {
            return Err(ValidationError::new(
                "cases",
                "tasking, visit and finding deadlines must come in that order",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_read_as_written() {
        for text in ["V-40", "v40", "40"] {
            assert_eq!(text.parse::<CaseId>().unwrap(), CaseId(40));
        }
        assert!("R-40".parse::<CaseId>().is_err());
        assert_eq!(CaseId(40).to_string(), "V-40");
    }

    #[test]
    fn a_responsible_formation_needs_a_violation() {
        let position = CasePosition {
            case: CaseId(4),
            severity: Severity::RelevantIncident,
            responsible: Some(FormationId::new("jaysh-al-izza").unwrap()),
            reason: "Shots were fired, but at no one.".into(),
        };
        assert_eq!(position.validate().unwrap_err().field, "responsible");
    }

    #[test]
    fn deadlines_come_in_order() {
        let bad = CaseDeadlines {
            task_within_days: 5,
            visit_within_days: 3,
            finding_within_days: 21,
        };
        assert!(bad.validate().is_err());
        CaseDeadlines::default().validate().unwrap();
    }

    #[test]
    fn a_visit_names_its_team_and_place() {
        let visit = CaseVisited {
            case: CaseId(4),
            visited_at: "2026-12-02T09:00:00Z".parse().unwrap(),
            place: VisitPlace {
                name: "Kafr Nabl".into(),
                lat: 35.61,
                lon: 36.56,
            },
            team_members: vec![],
            interviews: 3,
            evidence: vec![],
            summary: "Craters on the road north of the village.".into(),
        };
        assert_eq!(visit.validate().unwrap_err().field, "team_members");
    }
}
