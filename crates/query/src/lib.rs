//! One query layer over the register, shared by every reader: the node's
//! HTTP handlers, the CLI on a local Record, and the CLI reading its own
//! verified copy of a node's Record (`--node`). A request is a typed filter
//! and a page; an answer is a view that serializes to the API's JSON. The
//! caller decides who is asking ([`Audience`]); what each audience may see
//! of a view is decided here, once.
//!
//! *Must not know:* HTTP, SQL, terminals. Parsing text into filters is the
//! caller's (query strings, command-line flags); the typed filters refuse
//! only combinations that no parser can rule out alone.

mod access;
mod bulletin;
mod cases;
mod complaints;
mod decisions;
mod events;
mod exchange;
mod paging;
mod reports;
mod requests;
mod response;

pub use access::{
    access, access_one, coverage, AccessFilter, AccessView, AssetStatusView, AssetView,
    CoverageView, GovernorateStateView,
};
pub use bulletin::{bulletin_series, BulletinDays, BulletinSeries, Edition, SeriesRow};
pub use cases::{
    case, cases, CaseFilter, CaseFindingView, CasePositionView, CaseView, TaskView,
    VisitEvidenceView, VisitView,
};
pub use complaints::{
    complaint_status, complaint_view, complaints, ComplaintStatus, ComplaintView,
};
pub use decisions::{
    decision, decisions, BallotView, DecisionFilter, DecisionStatusName, DecisionView, DissentView,
};
pub use events::{event_kinds, events_of, EventScope, LiveEvent};
pub use exchange::{
    exchange_lists, exchange_matches, exchange_projects, ListView, MatchView, ProjectPersonView,
    ProjectView, VulnerableView,
};
pub use paging::{Page, Paging, DEFAULT_LIMIT, MAX_LIMIT};
pub use reports::{
    findings, formations, incident, report, reports, AssessmentView, DayRange, FindingFilter,
    FindingName, FindingView, FormationView, IncidentView, ReportFilter, ReportView, SortOrder,
};
pub use requests::{request, requests, AnswerView, RequestFilter, RequestView};
pub use response::{
    compliance, day_or_today, measures, ComplianceView, CriteriaSource, MeasureView, MeasuresView,
};

/// Who is asking: the public sees redacted views; members (observers and
/// guarantors) see them whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Members,
}

impl Audience {
    pub fn is_member(self) -> bool {
        self == Audience::Members
    }
}

/// The one of `all` whose name is `text`, or a refusal that lists them.
fn one_of<T: Copy>(all: &[T], name: fn(T) -> &'static str, text: &str) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|item| name(*item) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|item| name(*item)).collect();
            format!("{text:?}: one of {}", names.join(", "))
        })
}

/// A query that cannot be answered, naming the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0}")]
    NotFound(String),
}

impl QueryError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        QueryError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
