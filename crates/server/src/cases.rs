//! Reads of the verification cases: what is being verified, the team
//! tasked, the visits, the parties' positions, the finding with its
//! severity, and which step is awaited by when (members only:
//! `Resource::Cases`). Each step is a signed statement (`case_opened`,
//! `case_tasked`, `case_visited`, `case_position`) through
//! `POST /api/v1/statements`.

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use serde::Deserialize;
use truce_model::CaseId;
use truce_query::{CaseFilter, CaseView};
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};
use crate::query::{self, Query};
use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// `opened`, `tasked`, `visited` or `closed`.
    pub step: Option<String>,
    /// `true`: only cases whose awaited step is past its date now;
    /// `false`: only those on time.
    pub overdue: Option<String>,
    /// Only cases on the incident that holds this report (R-12 or 12).
    pub incident: Option<String>,
}

/// Verification cases, the latest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "register",
    params(CaseQuery),
    responses(
        (status = 200, body = [CaseView]),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CaseQuery>,
) -> Result<Json<Vec<CaseView>>, ServerError> {
    caller.require(Resource::Cases)?;
    let overdue = query::parse::<bool>("overdue", q.overdue.as_deref())?;
    let incident = query::parse("incident", q.incident.as_deref())?;
    let filter = CaseFilter {
        step: q.step.as_deref().map(CaseFilter::step_named).transpose()?,
        overdue,
        incident,
    };
    let register = state.ledger.rules();
    Ok(Json(truce_query::cases(
        &register,
        &filter,
        Timestamp::now(),
    )))
}

/// One verification case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "register",
    params(("id" = String, Path, pattern = "^([Vv]-?)?[0-9]{1,19}$", description = "Case id: 12 or V-12")),
    responses(
        (status = 200, body = CaseView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, ServerError> {
    caller.require(Resource::Cases)?;
    let id: CaseId = id
        .parse()
        .map_err(|_| ServerError::bad("id", format!("{id:?} is not an id such as V-12 or 12")))?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::case(&register, id, Timestamp::now())?))
}
