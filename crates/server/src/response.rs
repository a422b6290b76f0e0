//! Reads of the response to violations: each formation's compliance with
//! the criteria adopted in the Record, and the graduated measures — taken,
//! and next due — as of a date.

use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use truce_query::{ComplianceView, CriteriaSource, MeasuresView};
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};

use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The day to judge on (YYYY-MM-DD); default the mechanism's today.
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
}

/// Each formation's compliance with the adopted criteria, with the failed
/// criteria and the reports behind each failure.
#[utoipa::path(
    get,
    path = "/api/v1/compliance",
    tag = "register",
    params(AsOf),
    responses(
        (status = 200, description = "Each formation's compliance on the day", body = ComplianceView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No criteria have been adopted yet", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn compliance(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AsOf>,
) -> Result<Json<ComplianceView>, ServerError> {
    caller.require(Resource::Decisions)?;
    let date = crate::query::date("date", query.date.as_deref())?;
    let register = state.ledger.rules();
    let view = truce_query::compliance(
        &register,
        CriteriaSource::Adopted,
        None,
        date,
        jiff::Timestamp::now(),
    )?;
    Ok(Json(view))
}

/// Graduated measures: those proposed or adopted, with compliance records,
/// and the next step the ladder calls for per formation.
#[utoipa::path(
    get,
    path = "/api/v1/measures",
    tag = "register",
    params(AsOf),
    responses(
        (status = 200, description = "Measures taken and the next ones due", body = MeasuresView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn measures(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AsOf>,
) -> Result<Json<MeasuresView>, ServerError> {
    caller.require(Resource::Decisions)?;
    let date = crate::query::date("date", query.date.as_deref())?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::measures(
        &register,
        date,
        jiff::Timestamp::now(),
    )))
}
