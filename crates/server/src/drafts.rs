//! The review queue: texts read by `truce-extract`, kept as unsigned drafts
//! in the node's data directory (`drafts/NNNNNN.json`) with the source text
//! and the evidence spans of every candidate. Nothing here is ever filed:
//! a member turns a candidate into a report, checks it, and signs it.

use std::path::{Path, PathBuf};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::Json;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use truce_extract::{Candidate, Document, Format};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Resource};
use crate::{AppState, ServerError};

/// One ingested document and what was read from it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Draft {
    pub id: u64,
    /// The file or upload it came from.
    pub origin: String,
    /// A feed item's link, when the text came from a feed.
    pub source: Option<String>,
    #[schema(value_type = Option<String>)]
    pub published: Option<Date>,
    pub language: String,
    pub text: String,
    #[schema(value_type = Vec<Object>)]
    pub candidates: Vec<Candidate>,
}

impl Draft {
    /// The text with the evidence of every field marked `[[text|field]]`.
    pub fn rendered(&self) -> String {
        truce_extract::render_evidence(&self.text, &self.candidates)
    }
}

/// Drafts as files in one directory, numbered in order.
pub struct DraftQueue {
    dir: PathBuf,
}

impl DraftQueue {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("drafts"),
        }
    }

    fn path(&self, id: u64) -> PathBuf {
        self.dir.join(format!("{id:06}.json"))
    }

    /// Ids of the drafts waiting, in order.
    pub fn ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| {
                        e.ok()?
                            .file_name()
                            .to_str()?
                            .strip_suffix(".json")?
                            .parse()
                            .ok()
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    /// Stores the candidates read from `doc` as the next draft.
    pub fn add(
        &self,
        origin: &str,
        doc: &Document,
        candidates: Vec<Candidate>,
    ) -> Result<Draft, ServerError> {
        std::fs::create_dir_all(&self.dir)?;
        let draft = Draft {
            id: self.ids().last().map_or(1, |last| last + 1),
            origin: origin.to_string(),
            source: doc.source.clone(),
            published: doc.published,
            language: doc.language.code().to_string(),
            text: doc.text.clone(),
            candidates,
        };
        let text = serde_json::to_string_pretty(&draft)
            .map_err(|e| ServerError::Internal(e.to_string()))?;
        let temporary = self.dir.join(format!(".{:06}.tmp", draft.id));
        std::fs::write(&temporary, text + "\n")?;
        std::fs::rename(&temporary, self.path(draft.id))?;
        Ok(draft)
    }

    pub fn get(&self, id: u64) -> Result<Draft, ServerError> {
        let text = std::fs::read_to_string(self.path(id))
            .map_err(|_| ServerError::NotFound(format!("no draft {id}")))?;
        serde_json::from_str(&text).map_err(|e| ServerError::Internal(format!("draft {id}: {e}")))
    }

    pub fn discard(&self, id: u64) -> Result<(), ServerError> {
        std::fs::remove_file(self.path(id))
            .map_err(|_| ServerError::NotFound(format!("no draft {id}")))
    }
}

/// Reads `bytes` and queues a draft for every document with candidates.
pub fn ingest(
    queue: &DraftQueue,
    origin: &str,
    bytes: &[u8],
    format: Format,
    published: Option<Date>,
) -> Result<Vec<Draft>, ServerError> {
    let unreadable = |e: truce_extract::ExtractError| ServerError::BadRequest {
        field: Some("body".into()),
        reason: e.to_string(),
    };
    let mut drafts = Vec::new();
    for mut doc in truce_extract::read(bytes, format).map_err(unreadable)? {
        if doc.published.is_none() {
            doc.published = published;
        }
        let candidates = truce_extract::extract(&doc).map_err(unreadable)?;
        if !candidates.is_empty() {
            drafts.push(queue.add(origin, &doc, candidates)?);
        }
    }
    Ok(drafts)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct IngestQuery {
    /// auto (default), text, html, rss or atom.
    pub format: Option<String>,
    /// Publication date for texts without one (YYYY-MM-DD).
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
    ),
    security(("bearer" = []))
)]
pub async fn ingest_text(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<IngestQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<Draft>>), ServerError> {
    caller.require(Resource::Drafts)?;
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
    let origin = format!(
        "upload by {}",
        caller.member.as_ref().map_or("?", |m| m.as_str())
    );
    let queue = DraftQueue::in_data_dir(state.data_dir());
    // Reading a large text takes a while: keep it off the request threads.
    let drafts =
        tokio::task::spawn_blocking(move || ingest(&queue, &origin, &body, format, published))
            .await
            .map_err(|e| ServerError::Internal(e.to_string()))??;
    Ok((StatusCode::CREATED, Json(drafts)))
}

/// The drafts waiting for review.
#[utoipa::path(
    get,
    path = "/api/v1/drafts",
    tag = "review",
    responses((status = 200, body = Vec<Draft>), (status = 401, body = crate::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list_drafts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Draft>>, ServerError> {
    caller.require(Resource::Drafts)?;
    let queue = DraftQueue::in_data_dir(state.data_dir());
    let drafts = queue
        .ids()
        .into_iter()
        .map(|id| queue.get(id))
        .collect::<Result<_, _>>()?;
    Ok(Json(drafts))
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
    responses((status = 200, body = DraftView), (status = 404, body = crate::ErrorBody)),
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
