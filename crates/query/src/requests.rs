//! Requests for clarification as members read them: who asked whom about
//! what, by when, the answer, and where each stands now.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{RequestId, RequestSubject};
use truce_regime::{Register, Request, RequestState};

use crate::{one_of, QueryError};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestView {
    /// `Q-<position>`.
    pub id: String,
    pub position: u64,
    pub asked_by: String,
    pub from: String,
    pub to: String,
    /// `R-12` for an incident, or a formation's id.
    pub about: String,
    /// `incident` or `formation`.
    pub about_kind: String,
    pub question: String,
    pub asked: String,
    pub reply_by: String,
    /// `open`, `overdue`, `answered` or `answered_late`, now.
    pub state: String,
    pub answer: Option<AnswerView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerView {
    pub position: u64,
    pub member: String,
    pub answer: String,
    pub time: String,
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub state: Option<RequestState>,
    /// Asked of this party.
    pub to: Option<String>,
    /// Asked by this party.
    pub from: Option<String>,
}

impl RequestFilter {
    /// Reads a state's name (`open`, `overdue`, `answered`, `answered_late`).
    pub fn state_named(text: &str) -> Result<RequestState, QueryError> {
        one_of(&RequestState::ALL, RequestState::as_str, text)
            .map_err(|reason| QueryError::invalid("state", reason))
    }
}

fn view(request: &Request, now: Timestamp) -> RequestView {
    let (about, about_kind) = match &request.about {
        RequestSubject::Incident(report) => (report.to_string(), "incident"),
        RequestSubject::Formation(formation) => (formation.to_string(), "formation"),
    };
    RequestView {
        id: request.id.to_string(),
        position: request.id.0,
        asked_by: request.asked_by.to_string(),
        from: request.from.to_string(),
        to: request.to.to_string(),
        about,
        about_kind: about_kind.into(),
        question: request.question.clone(),
        asked: request.asked.to_string(),
        reply_by: request.reply_by.to_string(),
        state: request.state_at(now).as_str().into(),
        answer: request.answer.as_ref().map(|a| AnswerView {
            position: a.position,
            member: a.member.to_string(),
            answer: a.answer.clone(),
            time: a.time.to_string(),
        }),
    }
}

/// Requests matching `filter`, the latest first, as they stand at `now`.
pub fn requests(register: &Register, filter: &RequestFilter, now: Timestamp) -> Vec<RequestView> {
    register
        .requests()
        .iter()
        .rev()
        .filter(|r| filter.state.is_none_or(|s| r.state_at(now) == s))
        .filter(|r| filter.to.as_deref().is_none_or(|p| r.to.as_str() == p))
        .filter(|r| filter.from.as_deref().is_none_or(|p| r.from.as_str() == p))
        .map(|r| view(r, now))
        .collect()
}

pub fn request(
    register: &Register,
    id: RequestId,
    now: Timestamp,
) -> Result<RequestView, QueryError> {
    register
        .requests()
        .get(id)
        .map(|r| view(r, now))
        .ok_or_else(|| QueryError::NotFound(format!("no request {id}")))
}
