//! Reads of the decision mechanism: proposals, each guarantor party's vote
//! and reason, the rule, where each decision stands now, and the dissent.
//!
//! The public sees adopted decisions only, and of them only what was
//! decided about (type, title, status, the position that adopted it);
//! observers and guarantors see everything (`Resource::Decisions`).

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use serde::Deserialize;
use truce_model::{DecisionId, DecisionType};
use truce_query::{Audience, DecisionFilter, DecisionStatusName, DecisionView, Page};
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};
use crate::params::{DecisionStatusParam, DecisionTypeParam};
use crate::query::{self, Paging, Query};
use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    /// `open`, `adopted`, `rejected` or `expired`, as of now (without a
    /// token, only `adopted`).
    #[param(value_type = Option<DecisionStatusParam>, inline)]
    pub status: Option<String>,
    /// `measure`, `designation`, `reinstatement`, `criteria`, `agreement`,
    /// `document` or `other`.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<DecisionTypeParam>, inline)]
    pub decision_type: Option<String>,
    /// At most this many items (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Skip this many items first.
    #[param(value_type = Option<u64>, minimum = 0)]
    pub offset: Option<String>,
}

/// List decisions. Without a token, adopted ones only, without text or votes.
#[utoipa::path(
    get,
    path = "/api/v1/decisions",
    tag = "register",
    params(DecisionQuery),
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
    Query(q): Query<DecisionQuery>,
) -> Result<Json<Page<DecisionView>>, ServerError> {
    caller.require(Resource::AdoptedDecisions)?;
    let status = query::parse::<DecisionStatusName>("status", q.status.as_deref())?;
    if status.is_some_and(|s| s != DecisionStatusName::Adopted) {
        // Open, rejected and expired decisions are not public.
        caller.require(Resource::Decisions)?;
    }
    let filter = DecisionFilter {
        status,
        decision_type: query::parse::<DecisionType>("type", q.decision_type.as_deref())?,
    };
    let paging = Paging {
        limit: q.limit.clone(),
        offset: q.offset.clone(),
    }
    .resolve()?;
    let register = state.ledger.rules();
    let page = truce_query::decisions(
        &register,
        &filter,
        paging,
        Timestamp::now(),
        audience(&caller),
    )?;
    Ok(Json(page))
}

fn audience(caller: &Caller) -> Audience {
    if caller.may(Resource::Decisions) {
        Audience::Members
    } else {
        Audience::Public
    }
}

fn parse_decision_id(text: &str) -> Result<DecisionId, ServerError> {
    text.parse()
        .map_err(|_| ServerError::bad("id", format!("{text:?} is not an id such as D-12 or 12")))
}

/// One decision: its text, rule, each party's vote and reason, the dissent.
#[utoipa::path(
    get,
    path = "/api/v1/decisions/{id}",
    tag = "register",
    params(("id" = String, Path, pattern = "^([Dd]-?)?[0-9]{1,19}$", description = "Decision id: 12 or D-12")),
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
    let audience = audience(&caller);
    let id = parse_decision_id(&id)?;
    let register = state.ledger.rules();
    match truce_query::decision(&register, id, Timestamp::now(), audience) {
        Some(view) => Ok(Json(view)),
        // The public is not told whether a decision it may not read exists.
        None if !audience.is_member() => Err(caller
            .require(Resource::Decisions)
            .err()
            .unwrap_or_else(|| ServerError::NotFound(format!("no decision {id}")))),
        None => Err(ServerError::NotFound(format!("no decision {id}"))),
    }
}
