//! Query strings: every value arrives as text and is parsed here, so a bad
//! value is refused with the name of its parameter.

use std::str::FromStr;

use axum::extract::{FromRequestParts, Query as AxumQuery};
use axum::http::request::Parts;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::ServerError;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1_000;

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
    pub limit: Option<String>,
    /// Skip this many items first.
    pub offset: Option<String>,
}

impl Paging {
    pub fn resolve(&self) -> Result<(usize, usize), ServerError> {
        let limit = parse::<usize>("limit", self.limit.as_deref())?.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ServerError::bad(
                "limit",
                format!("must be 1 to {MAX_LIMIT}"),
            ));
        }
        let offset = parse::<usize>("offset", self.offset.as_deref())?.unwrap_or(0);
        Ok((limit, offset))
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// Items matching the filters, on all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// The offset of the next page, if there is one.
    pub next_offset: Option<usize>,
    pub items: Vec<T>,
}

/// Takes one page out of every matching item, building views only for the page.
pub fn page<I, U>(matching: Vec<I>, paging: (usize, usize), build: impl FnMut(I) -> U) -> Page<U> {
    let (limit, offset) = paging;
    let total = matching.len();
    let items: Vec<U> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(build)
        .collect();
    let end = offset.saturating_add(items.len());
    Page {
        total,
        offset,
        limit,
        next_offset: (end < total).then_some(end),
        items,
    }
}
