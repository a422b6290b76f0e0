//! The review queue: texts read by `truce-extract`, kept as unsigned drafts
//! in the node's data directory (`drafts/`, see `truce_node::drafts`) with
//! the source text and the evidence spans of every candidate. Nothing here
//! is ever filed: a member turns a candidate into a report, checks it, and
//! signs it.

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::Json;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use truce_extract::Format;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Resource};
use crate::{AppState, ServerError};
use truce_node::drafts::ingest;
pub use truce_node::drafts::{Draft, DraftQueue, DraftSummary};
use truce_query::Page;

use crate::query::Paging;

#[derive(Debug, Deserialize, IntoParams)]
pub struct IngestQuery {
    /// auto (default), text, html, rss or atom.
    pub format: Option<String>,
    /// Publication date for texts without one (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub published: Option<String>,
}

fn parse_format(value: Option<&str>) -> Result<Format, ServerError> {
    Ok(match value.unwrap_or("auto") {
        "auto" => Format::Auto,
        "text" => Format::Text,
        "html" => Format::Html,
        "rss" => Format::Rss,
        "atom" => Format::Atom,
        other => {
            return Err(ServerError::BadRequest {
                field: Some("format".into()),
                reason: format!("{other:?} is not one of auto, text, html, rss, atom"),
            })
        }
    })
}

/// Read a bulletin, news text or feed into drafts for review.
#[utoipa::path(
    post,
    path = "/api/v1/ingest",
    tag = "review",
    params(IngestQuery),
    request_body(content = String, description = "The text, HTML or feed", content_type = "text/plain"),
    responses(
        (status = 201, description = "Drafts queued (none when the text holds no events)", body = Vec<Draft>),
        (status = 400, description = "Unreadable input: binary, unknown encoding, unsupported language", body = crate::ErrorBody),
        (status = 401, description = "Needs a token", body = crate::ErrorBody),
        (status = 403, description = "Only members who may file reports add to the queue", body = crate::ErrorBody),
        (status = 413, description = "Over the body limit", body = crate::ErrorBody),
        (status = 429, description = "The member's or the node's quota of drafts is used up", body = crate::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn ingest_text(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<IngestQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<Draft>>), ServerError> {
    caller.require(Resource::Ingest)?;
    let format = parse_format(query.format.as_deref())?;
    let published = query
        .published
        .as_deref()
        .map(|d| {
            d.parse::<Date>().map_err(|e| ServerError::BadRequest {
                field: Some("published".into()),
                reason: format!("{d:?} is not a date (YYYY-MM-DD): {e}"),
            })
        })
        .transpose()?;
    let member = caller.member.as_ref().map(|m| m.to_string());
    let origin = format!("upload by {}", member.as_deref().unwrap_or("?"));
    let queue = DraftQueue::in_data_dir(state.data_dir()).with_quota(state.draft_quota);
    // Reading a large text takes a while: keep it off the request threads.
    let drafts = tokio::task::spawn_blocking(move || {
        ingest(&queue, member.as_deref(), &origin, &body, format, published)
    })
    .await
    .map_err(|e| ServerError::Internal(e.to_string()))??;
    Ok((StatusCode::CREATED, Json(drafts)))
}

/// The drafts waiting for review, oldest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/drafts",
    tag = "review",
    params(Paging),
    responses(
        (status = 200, body = Page<DraftSummary>),
        (status = 400, body = crate::ErrorBody),
        (status = 401, body = crate::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_drafts(
    State(state): State<AppState>,
    caller: Caller,
    crate::query::Query(paging): crate::query::Query<Paging>,
) -> Result<Json<Page<DraftSummary>>, ServerError> {
    caller.require(Resource::Drafts)?;
    let paging = paging.resolve()?;
    let queue = DraftQueue::in_data_dir(state.data_dir());
    let (total, items) =
        tokio::task::spawn_blocking(move || queue.summaries(paging.offset(), paging.limit()))
            .await
            .map_err(|e| ServerError::Internal(e.to_string()))??;
    Ok(Json(paging.of(total, items)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DraftView {
    #[serde(flatten)]
    pub draft: Draft,
    /// The text with each field's evidence marked `[[text|field]]`.
    pub rendered: String,
}

/// One draft with its evidence marked in the text.
#[utoipa::path(
    get,
    path = "/api/v1/drafts/{id}",
    tag = "review",
    params(("id" = u64, Path, description = "Draft number")),
    responses(
        (status = 200, body = DraftView),
        (status = 400, description = "Not a draft number", body = crate::ErrorBody),
        (status = 401, description = "Needs a token", body = crate::ErrorBody),
        (status = 404, body = crate::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_draft(
    State(state): State<AppState>,
    caller: Caller,
    UrlPath(id): UrlPath<u64>,
) -> Result<Json<DraftView>, ServerError> {
    caller.require(Resource::Drafts)?;
    let draft = DraftQueue::in_data_dir(state.data_dir()).get(id)?;
    let rendered = draft.rendered();
    Ok(Json(DraftView { draft, rendered }))
}
