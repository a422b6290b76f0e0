//! What the monitors could and could not see: restrictions of their access
//! (members only: `Resource::Access`, they name the member who recorded
//! each and the exact point) and, for a day, each governorate's
//! observation state (public, for the map; the assets behind it for
//! members only). Recording a restriction, registering an asset and saying
//! it works or is down are signed statements (`access_restricted`,
//! `asset_registered`, `asset_status`) through `POST /api/v1/statements`.

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use serde::Deserialize;
use truce_model::AccessId;
use truce_query::{AccessFilter, AccessView, Audience, CoverageView};
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};
use crate::query::{self, Query};
use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessQuery {
    /// By this formation (its id) or party (its name, as recorded).
    pub by: Option<String>,
    /// `denial`, `restriction`, `threat` or `jamming`.
    pub kind: Option<String>,
    /// Lasting through some of this mechanism day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub day: Option<String>,
    /// Governorate ISO 3166-2 code, e.g. `SY-ID`.
    pub governorate: Option<String>,
}

/// Restrictions of the monitors' access, the latest recorded first.
#[utoipa::path(
    get,
    path = "/api/v1/access",
    tag = "register",
    params(AccessQuery),
    responses(
        (status = 200, body = [AccessView]),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_access(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AccessQuery>,
) -> Result<Json<Vec<AccessView>>, ServerError> {
    caller.require(Resource::Access)?;
    let filter = AccessFilter {
        by: q.by,
        kind: q
            .kind
            .as_deref()
            .map(AccessFilter::kind_named)
            .transpose()?,
        day: query::date("day", q.day.as_deref())?,
        governorate: q.governorate,
    };
    let register = state.ledger.rules();
    Ok(Json(truce_query::access(&register, &filter)))
}

/// One restriction of the monitors' access.
#[utoipa::path(
    get,
    path = "/api/v1/access/{id}",
    tag = "register",
    params(("id" = String, Path, pattern = "^([Aa]-?)?[0-9]{1,19}$", description = "Restriction id: 12 or A-12")),
    responses(
        (status = 200, body = AccessView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_access(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<AccessView>, ServerError> {
    caller.require(Resource::Access)?;
    let id: AccessId = id
        .parse()
        .map_err(|_| ServerError::bad("id", format!("{id:?} is not an id such as A-12 or 12")))?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::access_one(&register, id)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// The mechanism's day (YYYY-MM-DD); today when left out.
    #[param(value_type = Option<String>, format = Date)]
    pub day: Option<String>,
}

/// Each governorate's observation state on a day ("observed": an asset
/// covering it was working at a time no denial or jamming hid it), and
/// for members the monitoring assets with their status.
#[utoipa::path(
    get,
    path = "/api/v1/coverage",
    tag = "register",
    params(CoverageQuery),
    responses(
        (status = 200, body = CoverageView),
        (status = 400, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CoverageQuery>,
) -> Result<Json<CoverageView>, ServerError> {
    caller.require(Resource::Coverage)?;
    let audience = if caller.may(Resource::Assets) {
        Audience::Members
    } else {
        Audience::Public
    };
    let register = state.ledger.rules();
    let now = Timestamp::now();
    let day = truce_query::day_or_today(&register, query::date("day", q.day.as_deref())?, now);
    Ok(Json(truce_query::coverage(&register, day, audience, now)))
}
