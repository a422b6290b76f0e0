//! Reads of the decision mechanism: proposals, each guarantor party's vote
//! and reason, the rule, where each decision stands now, and the dissent.
//!
//! The public sees adopted decisions only, and of them only what was
//! decided about (type, title, status, the position that adopted it);
//! observers and guarantors see everything (`Resource::Decisions`).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{DecisionId, DecisionType};
use truce_regime::{Decision, DecisionStatus, Register};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Resource};
use crate::query::{self, page, Page, Paging, Query};
use crate::{AppState, ErrorBody, ServerError};

const STATUS_NAMES: [&str; 4] = ["open", "adopted", "rejected", "expired"];

/// One guarantor party's vote.
#[derive(Debug, Serialize, ToSchema)]
pub struct BallotView {
    /// `endorse` or `object`.
    pub vote: String,
    /// Why (the proposer's own party reads `proposed it`).
    pub reason: String,
    /// The member who cast it.
    pub member: String,
    /// Position of the statement that cast it.
    pub position: u64,
}

/// An objection and its reason: kept whatever the outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct DissentView {
    pub party: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    /// Position of the statement that proposed it.
    pub id: u64,
    /// `D-` and the id.
    pub name: String,
    /// `measure`, `designation`, `reinstatement`, `criteria`, `agreement`,
    /// `document` or `other`.
    #[serde(rename = "type")]
    pub decision_type: String,
    pub title: String,
    /// As of now: `open`, `adopted`, `rejected` or `expired`.
    pub status: String,
    /// Position of the vote that adopted or rejected it, once settled.
    pub settled_at: Option<u64>,
    /// The text to be adopted, as drafted (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// RFC 3339; votes after it are refused (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Positions of the entries it rests on (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<u64>>,
    /// Member who proposed it (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<String>,
    /// Guarantor party that proposed it (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The rule for its type, e.g. "all 3 guarantors" (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Each guarantor party's latest vote, `null` for a party that has not
    /// voted (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, BallotView>>)]
    pub votes: Option<BTreeMap<String, Option<BallotView>>>,
    /// Objections with their reasons (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dissent: Option<Vec<DissentView>>,
}

fn settled_at(status: DecisionStatus) -> Option<u64> {
    match status {
        DecisionStatus::Adopted { at } | DecisionStatus::Rejected { at } => Some(at),
        DecisionStatus::Open | DecisionStatus::Expired => None,
    }
}

fn decision_view(
    register: &Register,
    decision: &Decision,
    now: Timestamp,
    full: bool,
) -> DecisionView {
    let status = decision.status_at(now);
    let votes = || {
        let mut votes: BTreeMap<String, Option<BallotView>> = register
            .guarantors()
            .iter()
            .map(|party| (party.to_string(), None))
            .collect();
        for (party, ballot) in &decision.votes {
            votes.insert(
                party.clone(),
                Some(BallotView {
                    vote: serde_json::to_value(ballot.vote)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    reason: ballot.reason.clone(),
                    member: ballot.member.to_string(),
                    position: ballot.position,
                }),
            );
        }
        votes
    };
    DecisionView {
        id: decision.id.0,
        name: decision.id.to_string(),
        decision_type: decision.decision_type.as_str().to_string(),
        title: decision.title.clone(),
        status: status.label().to_string(),
        settled_at: settled_at(status),
        text: full.then(|| decision.text.clone()),
        deadline: full.then(|| decision.deadline.to_string()),
        references: full.then(|| decision.references.clone()),
        proposed_by: full.then(|| decision.proposed_by.to_string()),
        party: full.then(|| decision.party.to_string()),
        rule: full.then(|| decision.rule.clone()),
        votes: full.then(votes),
        dissent: full.then(|| {
            decision
                .dissent()
                .into_iter()
                .map(|(party, reason)| DissentView {
                    party: party.to_string(),
                    reason: reason.to_string(),
                })
                .collect()
        }),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionFilter {
    /// `open`, `adopted`, `rejected` or `expired`, as of now (without a
    /// token, only `adopted`).
    pub status: Option<String>,
    /// `measure`, `designation`, `reinstatement`, `criteria`, `agreement`,
    /// `document` or `other`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub decision_type: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// List decisions. Without a token, adopted ones only, without text or votes.
#[utoipa::path(
    get,
    path = "/api/v1/decisions",
    tag = "register",
    params(DecisionFilter),
    responses(
        (status = 200, description = "Decisions in Record order; adopted ones only, summarized, without a token", body = Page<DecisionView>),
        (status = 400, body = ErrorBody),
        (status = 401, description = "Any status but `adopted` needs a token", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_decisions(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<DecisionFilter>,
) -> Result<Json<Page<DecisionView>>, ServerError> {
    caller.require(Resource::AdoptedDecisions)?;
    let full = caller.may(Resource::Decisions);
    let wanted = filter.status.as_deref().filter(|s| !s.is_empty());
    if let Some(name) = wanted {
        if !STATUS_NAMES.contains(&name) {
            return Err(ServerError::bad(
                "status",
                format!("{name:?}: one of {}", STATUS_NAMES.join(", ")),
            ));
        }
        if name != "adopted" {
            // Open, rejected and expired decisions are not public.
            caller.require(Resource::Decisions)?;
        }
    }
    let decision_type: Option<DecisionType> =
        query::parse("type", filter.decision_type.as_deref())?;
    let paging = Paging {
        limit: filter.limit.clone(),
        offset: filter.offset.clone(),
    }
    .resolve()?;
    let now = Timestamp::now();
    let register = state.ledger.rules().await;
    let matching: Vec<&Decision> = register
        .decisions()
        .filter(|d| {
            let status = d.status_at(now).label();
            (full || status == "adopted")
                && wanted.is_none_or(|w| status == w)
                && decision_type.is_none_or(|t| d.decision_type == t)
        })
        .collect();
    Ok(Json(page(matching, paging, |d| {
        decision_view(&register, d, now, full)
    })))
}

fn parse_decision_id(text: &str) -> Result<DecisionId, ServerError> {
    let digits = text.trim_start_matches(['D', 'd']).trim_start_matches('-');
    digits
        .parse()
        .map(DecisionId)
        .map_err(|_| ServerError::bad("id", format!("{text:?} is not an id such as D-12 or 12")))
}

/// One decision: its text, rule, each party's vote and reason, the dissent.
#[utoipa::path(
    get,
    path = "/api/v1/decisions/{id}",
    tag = "register",
    params(("id" = String, Path, description = "Decision id: 12 or D-12")),
    responses(
        (status = 200, description = "Without a token, an adopted decision only, summarized", body = DecisionView),
        (status = 400, body = ErrorBody),
        (status = 401, description = "Not an adopted decision: needs a token", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DecisionView>, ServerError> {
    caller.require(Resource::AdoptedDecisions)?;
    let full = caller.may(Resource::Decisions);
    let id = parse_decision_id(&id)?;
    let now = Timestamp::now();
    let register = state.ledger.rules().await;
    let decision = register
        .decision(id)
        .filter(|d| full || matches!(d.status_at(now), DecisionStatus::Adopted { .. }));
    match decision {
        Some(decision) => Ok(Json(decision_view(&register, decision, now, full))),
        // The public is not told whether a decision it may not read exists.
        None if !full => Err(caller
            .require(Resource::Decisions)
            .err()
            .unwrap_or_else(|| ServerError::NotFound(format!("no decision {id}")))),
        None => Err(ServerError::NotFound(format!("no decision {id}"))),
    }
}
