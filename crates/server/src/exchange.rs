//! Reads of the exchanges: lists by their counts, matches, projects with
//! each person's status. No endpoint can name a person: the node holds no
//! exchange key. A sealed list is handed only to the members it is sealed
//! to, who open it on their own machine (`truce exchange open`).

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use truce_model::ListId;
use truce_query::{ListView, MatchView, ProjectView};
use truce_record::Body;

use crate::auth::{Caller, Resource};
use crate::{AppState, ErrorBody, ServerError};

/// Lists submitted, with their counts (never identities).
#[utoipa::path(
    get,
    path = "/api/v1/exchange/lists",
    tag = "exchange",
    responses(
        (status = 200, description = "Lists in Record order", body = Vec<ListView>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_lists(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ListView>>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::exchange_lists(&register)))
}

/// The sealed list, for a member it is sealed to; open it with your
/// exchange key on your own machine.
#[utoipa::path(
    get,
    path = "/api/v1/exchange/lists/{id}/sealed",
    tag = "exchange",
    params(("id" = String, Path, pattern = "^([Ll]-?)?[0-9]{1,19}$", description = "L-12 or 12")),
    responses(
        (status = 200, description = "The list statement's body, as signed", body = Object),
        (status = 400, description = "Not a list id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The list is not sealed to your exchange key", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn sealed_list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let id = parse_list_id(&id)?;
    {
        let register = state.ledger.rules();
        let list = register
            .exchange_list(id)
            .ok_or_else(|| ServerError::NotFound(format!("no list {id}")))?;
        let key = caller
            .member
            .as_ref()
            .and_then(|m| register.exchange_key_of(m))
            .map(|k| k.key);
        if !key.is_some_and(|k| list.recipients.contains(&k)) {
            return Err(ServerError::Forbidden(format!(
                "{id} is not sealed to your exchange key"
            )));
        }
    }
    let entry = state
        .ledger
        .store()
        .entries(id.0, 1)
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?
        .pop()
        .filter(|e| e.position == id.0)
        .ok_or_else(|| ServerError::NotFound(format!("no entry {}", id.0)))?;
    let statement = truce_record::Statement::from_bytes(&entry.statement)
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    match statement.body {
        Body::ExchangeListSubmitted(list) => Ok(Json(
            serde_json::to_value(list).map_err(|e| ServerError::Internal(e.to_string()))?,
        )),
        _ => Err(ServerError::NotFound(format!("{id} is not a list"))),
    }
}

fn parse_list_id(text: &str) -> Result<ListId, ServerError> {
    text.parse()
        .map_err(|_| ServerError::bad("id", format!("{text:?} is not a list such as L-12 or 12")))
}

/// The intermediary's confirmed and rejected matches, by place on the lists.
#[utoipa::path(
    get,
    path = "/api/v1/exchange/matches",
    tag = "exchange",
    responses(
        (status = 200, body = Vec<MatchView>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_matches(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<MatchView>>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::exchange_matches(&register)))
}

/// Exchange projects with each person's status (no identities).
#[utoipa::path(
    get,
    path = "/api/v1/exchange/projects",
    tag = "exchange",
    responses(
        (status = 200, body = Vec<ProjectView>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ProjectView>>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::exchange_projects(
        &register,
        Timestamp::now(),
    )))
}
