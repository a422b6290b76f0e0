//! Verification cases as members read them: what is being verified, the
//! team tasked, the visits, each guarantor party's position, the finding
//! and its severity, and which step is awaited by when.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{CaseId, CaseSubject};
use truce_regime::{Case, CaseStep, Register};

use crate::{one_of, QueryError};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    /// `V-<position>`.
    pub id: String,
    pub position: u64,
    pub opened_by: String,
    pub party: String,
    /// `R-12` for an incident, or the SHA-256 of a complaint.
    pub about: String,
    /// `incident` or `complaint`.
    pub about_kind: String,
    pub question: String,
    pub opened: String,
    /// `opened`, `tasked`, `visited` or `closed`.
    pub step: String,
    /// The step awaited (`tasked`, `visited`, `closed`) and when it is due;
    /// absent once closed.
    pub awaiting: Option<String>,
    pub due: Option<String>,
    /// Whether the step awaited is past its date now.
    pub overdue: bool,
    pub task_by: String,
    pub visit_by: String,
    pub finding_by: String,
    pub tasks: Vec<TaskView>,
    pub visits: Vec<VisitView>,
    pub positions: Vec<CasePositionView>,
    pub finding: Option<CaseFindingView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskView {
    pub position: u64,
    pub member: String,
    pub party: String,
    pub team: String,
    pub instructions: String,
    pub time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitView {
    pub position: u64,
    pub member: String,
    pub party: String,
    pub visited_at: String,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub team_members: Vec<String>,
    pub interviews: u32,
    /// SHA-256 of each evidence file, with its media type and description.
    pub evidence: Vec<VisitEvidenceView>,
    pub summary: String,
    pub time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitEvidenceView {
    pub sha256: String,
    pub media_type: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePositionView {
    pub party: String,
    pub member: String,
    pub position: u64,
    /// One of the mechanism's scale: `not_an_incident`,
    /// `relevant_incident`, `not_a_violation`, `minor_violation`,
    /// `serious_violation`.
    pub severity: String,
    pub responsible: Option<String>,
    pub reason: String,
    pub time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFindingView {
    pub severity: String,
    pub responsible: Option<String>,
    pub endorsed_by: Vec<String>,
    pub dissent: Vec<String>,
    pub rule: String,
    pub closed: String,
    /// Whether it came after the finding was due.
    pub late: bool,
    /// Days from opening to finding.
    pub days_to_finding: f64,
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub step: Option<CaseStep>,
    /// Only those whose awaited step is past its date (`true`) or not.
    pub overdue: Option<bool>,
    /// Only those on the incident that holds this report.
    pub incident: Option<truce_model::ReportId>,
}

impl CaseFilter {
    /// Reads a step's name (`opened`, `tasked`, `visited`, `closed`).
    pub fn step_named(text: &str) -> Result<CaseStep, QueryError> {
        one_of(&CaseStep::ALL, CaseStep::as_str, text)
            .map_err(|reason| QueryError::invalid("step", reason))
    }
}

fn view(case: &Case, now: Timestamp) -> CaseView {
    let (about, about_kind) = match &case.about {
        CaseSubject::Incident(report) => (report.to_string(), "incident"),
        CaseSubject::Complaint(sha256) => (sha256.clone(), "complaint"),
    };
    let next = case.next_due();
    CaseView {
        id: case.id.to_string(),
        position: case.id.0,
        opened_by: case.opened_by.to_string(),
        party: case.party.to_string(),
        about,
        about_kind: about_kind.into(),
        question: case.question.clone(),
        opened: case.opened.to_string(),
        step: case.step().as_str().into(),
        awaiting: next.map(|(step, _)| step.as_str().into()),
        due: next.map(|(_, due)| due.to_string()),
        overdue: case.overdue_at(now),
        task_by: case.due.task_by.to_string(),
        visit_by: case.due.visit_by.to_string(),
        finding_by: case.due.finding_by.to_string(),
        tasks: case
            .tasks
            .iter()
            .map(|t| TaskView {
                position: t.position,
                member: t.member.to_string(),
                party: t.party.to_string(),
                team: t.team.clone(),
                instructions: t.instructions.clone(),
                time: t.time.to_string(),
            })
            .collect(),
        visits: case
            .visits
            .iter()
            .map(|v| VisitView {
                position: v.position,
                member: v.member.to_string(),
                party: v.party.to_string(),
                visited_at: v.visited_at.to_string(),
                place: v.place.name.clone(),
                lat: v.place.lat,
                lon: v.place.lon,
                team_members: v.team_members.clone(),
                interviews: v.interviews,
                evidence: v
                    .evidence
                    .iter()
                    .map(|e| VisitEvidenceView {
                        sha256: e.sha256.clone(),
                        media_type: e.media_type.clone(),
                        description: e.description.clone(),
                    })
                    .collect(),
                summary: v.summary.clone(),
                time: v.time.to_string(),
            })
            .collect(),
        positions: case
            .positions
            .iter()
            .map(|(party, p)| CasePositionView {
                party: party.to_string(),
                member: p.member.to_string(),
                position: p.position,
                severity: p.severity.as_str().into(),
                responsible: p.responsible.as_ref().map(ToString::to_string),
                reason: p.reason.clone(),
                time: p.time.to_string(),
            })
            .collect(),
        finding: case.closed.as_ref().map(|c| CaseFindingView {
            severity: c.severity.as_str().into(),
            responsible: c.responsible.as_ref().map(ToString::to_string),
            endorsed_by: c.endorsed_by.iter().map(ToString::to_string).collect(),
            dissent: c.dissent.iter().map(ToString::to_string).collect(),
            rule: c.rule.clone(),
            closed: c.time.to_string(),
            late: case.closed_late(),
            days_to_finding: case
                .time_to_finding()
                .map_or(0.0, |d| (d.as_secs_f64() / 86_400.0 * 10.0).round() / 10.0),
        }),
    }
}

/// Cases matching `filter`, the latest first, as they stand at `now`.
pub fn cases(register: &Register, filter: &CaseFilter, now: Timestamp) -> Vec<CaseView> {
    let incident_reports = filter
        .incident
        .and_then(|report| register.incident_of(report))
        .map(|incident| incident.reports);
    register
        .cases()
        .iter()
        .rev()
        .filter(|c| filter.step.is_none_or(|s| c.step() == s))
        .filter(|c| filter.overdue.is_none_or(|o| c.overdue_at(now) == o))
        .filter(|c| match (&filter.incident, &c.about) {
            (None, _) => true,
            (Some(_), CaseSubject::Incident(report)) => incident_reports
                .as_ref()
                .is_some_and(|reports| reports.contains(report)),
            (Some(_), CaseSubject::Complaint(_)) => false,
        })
        .map(|c| view(c, now))
        .collect()
}

pub fn case(register: &Register, id: CaseId, now: Timestamp) -> Result<CaseView, QueryError> {
    register
        .cases()
        .get(id)
        .map(|c| view(c, now))
        .ok_or_else(|| QueryError::NotFound(format!("no case {id}")))
}
