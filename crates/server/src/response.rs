//! Reads of the response to violations: each formation's compliance with
//! the criteria adopted in the Record, and the graduated measures — taken,
//! and next due — as of a date.

use axum::extract::{Query, State};
use axum::Json;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};
use truce_regime::Register;

use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The day to judge on (YYYY-MM-DD); default today.
    pub date: Option<String>,
}

/// The day asked for, or the mechanism's today by its parameters.
fn as_of(query: &AsOf, register: &Register) -> Result<Date, ServerError> {
    Ok(crate::query::date("date", query.date.as_deref())?
        .unwrap_or_else(|| register.config().day_of(jiff::Timestamp::now())))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ServerError> {
    serde_json::to_value(value).map_err(|e| ServerError::Internal(e.to_string()))
}

/// Each formation's compliance with the adopted criteria, with the failed
/// criteria and the reports behind each failure.
#[utoipa::path(
    get,
    path = "/api/v1/compliance",
    tag = "register",
    params(AsOf),
    responses(
        (status = 200, description = "{date, criteria_decision, formations: [...]}", body = Object),
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
) -> Result<Json<Value>, ServerError> {
    caller.require(Resource::Decisions)?;
    let register = state.ledger.rules().await;
    let date = as_of(&query, &register)?;
    let (decision, criteria) = register.adopted_criteria().ok_or_else(|| {
        ServerError::NotFound("no criteria have been adopted in this Record".into())
    })?;
    let formations = to_json(&register.compliance(criteria, date))?;
    Ok(Json(json!({
        "date": date.to_string(),
        "criteria_decision": decision.to_string(),
        "formations": formations,
    })))
}

/// Graduated measures: those proposed or adopted, with compliance records,
/// and the next step the ladder calls for per formation.
#[utoipa::path(
    get,
    path = "/api/v1/measures",
    tag = "register",
    params(AsOf),
    responses(
        (status = 200, description = "{date, measures: [...], due: [...]}", body = Object),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn measures(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AsOf>,
) -> Result<Json<Value>, ServerError> {
    caller.require(Resource::Decisions)?;
    let now = jiff::Timestamp::now();
    let register = state.ledger.rules().await;
    let date = as_of(&query, &register)?;
    let measures: Vec<Value> = register
        .decisions()
        .filter(|d| d.measure.is_some())
        .map(|d| {
            Ok(json!({
                "decision": d.id.to_string(),
                "status": d.status_at(now).label(),
                "measure": to_json(&d.measure)?,
                "compliance": to_json(&d.compliance)?,
            }))
        })
        .collect::<Result<_, ServerError>>()?;
    let due = to_json(&register.suggested_measures(date))?;
    Ok(Json(
        json!({"date": date.to_string(), "measures": measures, "due": due}),
    ))
}
