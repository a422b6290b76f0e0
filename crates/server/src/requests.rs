//! Reads of the requests for clarification between the parties: who asked
//! whom about what, by when, the answer, and where each stands now
//! (members only: `Resource::Requests`). Asking and answering are signed
//! statements (`request_made`, `request_answered`) through
//! `POST /api/v1/statements`.

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use serde::Deserialize;
use truce_model::RequestId;
use truce_query::{RequestFilter, RequestView};
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};
use crate::query::Query;
use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// `open`, `overdue`, `answered` or `answered_late`, as of now.
    pub state: Option<String>,
    /// Asked of this party.
    pub to: Option<String>,
    /// Asked by this party.
    pub from: Option<String>,
}

/// Requests for clarification, the latest first.
#[utoipa::path(
    get,
    path = "/api/v1/requests",
    tag = "register",
    params(RequestQuery),
    responses(
        (status = 200, body = [RequestView]),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RequestQuery>,
) -> Result<Json<Vec<RequestView>>, ServerError> {
    caller.require(Resource::Requests)?;
    let filter = RequestFilter {
        state: q
            .state
            .as_deref()
            .map(RequestFilter::state_named)
            .transpose()?,
        to: q.to,
        from: q.from,
    };
    let register = state.ledger.rules();
    Ok(Json(truce_query::requests(
        &register,
        &filter,
        Timestamp::now(),
    )))
}

/// One request for clarification.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{id}",
    tag = "register",
    params(("id" = String, Path, pattern = "^([Qq]-?)?[0-9]{1,19}$", description = "Request id: 12 or Q-12")),
    responses(
        (status = 200, body = RequestView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<RequestView>, ServerError> {
    caller.require(Resource::Requests)?;
    let id: RequestId = id
        .parse()
        .map_err(|_| ServerError::bad("id", format!("{id:?} is not an id such as Q-12 or 12")))?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::request(&register, id, Timestamp::now())?))
}
