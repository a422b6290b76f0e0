//! Query strings: every value arrives as text and is parsed here, so a bad
//! value is refused with the name of its parameter.

use std::str::FromStr;

use axum::extract::{FromRequestParts, Query as AxumQuery};
use axum::http::request::Parts;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::ServerError;

pub use truce_query::MAX_LIMIT;

/// `Query` with a JSON refusal instead of axum's plain-text one.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        AxumQuery::<T>::from_request_parts(parts, state)
            .await
            .map(|AxumQuery(value)| Query(value))
            .map_err(|e| ServerError::BadRequest {
                field: None,
                reason: e.body_text(),
            })
    }
}

/// Parses one parameter, naming it in the refusal.
pub fn parse<T: FromStr>(name: &str, value: Option<&str>) -> Result<Option<T>, ServerError>
where
    T::Err: std::fmt::Display,
{
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<T>()
                .map_err(|e| ServerError::bad(name, format!("{v:?}: {e}")))
        })
        .transpose()
}

pub fn date(name: &str, value: Option<&str>) -> Result<Option<Date>, ServerError> {
    parse::<Date>(name, value)
}

/// `from` and `to` as an inclusive range, open where not given.
pub fn date_range(from: Option<&str>, to: Option<&str>) -> Result<(Date, Date), ServerError> {
    let from = date("from", from)?.unwrap_or(Date::MIN);
    let to = date("to", to)?.unwrap_or(Date::MAX);
    if from > to {
        return Err(ServerError::bad("from", format!("{from} is after to={to}")));
    }
    Ok((from, to))
}

/// `?limit=&offset=`.
#[derive(Debug, Default, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// At most this many items (default 100, at most 1000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Skip this many items first.
    #[param(value_type = Option<u64>, minimum = 0)]
    pub offset: Option<String>,
}

impl Paging {
    pub fn resolve(&self) -> Result<truce_query::Paging, ServerError> {
        // An offset is a signed 64-bit integer in the OpenAPI document
        // (`int64`), so the server takes no more.
        let offset = parse::<u64>("offset", self.offset.as_deref())?;
        if offset.is_some_and(|o| i64::try_from(o).is_err()) {
            return Err(ServerError::bad(
                "offset",
                format!("must be at most {}", i64::MAX),
            ));
        }
        Ok(truce_query::Paging::new(
            parse::<usize>("limit", self.limit.as_deref())?,
            offset.map(|o| usize::try_from(o).unwrap_or(usize::MAX)),
        )?)
    }
}
