//! Evidence files over HTTP: a guarantor uploads a file before signing the
//! report that names it by its SHA-256; members download it. The storage
//! (temporary file, hash, sync, rename, sweep) is `truce_node::blobs`; this
//! module only moves bytes between it and the connection.
//!
//! These routes sit outside the API's 1 MiB body limit: an upload is
//! streamed to disk and held to the node's own limit (`--evidence-limit`).

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::BodyExt;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Caller, Resource};
use crate::{AppState, ErrorBody, ServerError};
use truce_node::blobs::{is_sha256, Blobs, Upload};
use truce_node::NodeError;

/// How much of an upload is gathered before it is written out.
const WRITE_CHUNK: usize = 1024 * 1024;

/// A stored evidence file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceReceipt {
    /// 64 hex digits.
    pub sha256: String,
    pub bytes: u64,
    /// False when the node already held the file (nothing was written).
    pub created: bool,
}

fn hash_in_path(sha256: &str) -> Result<(), ServerError> {
    if is_sha256(sha256) {
        Ok(())
    } else {
        Err(ServerError::bad(
            "sha256",
            format!("{sha256:?} is not a SHA-256: give 64 lower-case hex digits"),
        ))
    }
}

pub(crate) fn too_large(limit: u64) -> ServerError {
    ServerError::TooLarge(format!(
        "evidence files on this node are limited to {limit} bytes (the node's --evidence-limit)"
    ))
}

/// Upload an evidence file before filing the report that names it.
///
/// The body is the file's bytes (its `Content-Type` its media type; the
/// media type that counts is the one the report gives). The bytes must hash
/// to the path's SHA-256. The answer comes once the file is durable.
/// Uploading a file the node holds already writes nothing and answers 200.
/// A file no admitted report or amendment names is removed after the node's
/// grace period (`--evidence-grace`, 24 h unless set); upload again right
/// before filing.
#[utoipa::path(
    put,
    path = "/api/v1/evidence/{sha256}",
    tag = "register",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "64 lower-case hex digits: the SHA-256 of the body")),
    request_body(content = String, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored and durable", body = EvidenceReceipt),
        (status = 200, description = "The node already held this file", body = EvidenceReceipt),
        (status = 400, description = "The path is not a SHA-256, or the body does not hash to it (`field`: `sha256`)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Only guarantor members, who file reports, upload evidence", body = ErrorBody),
        (status = 409, description = "This is a read-only copy of the Record", body = ErrorBody),
        (status = 413, description = "Over the node's limit (named in the message)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn upload_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<EvidenceReceipt>), ServerError> {
    if !caller.may(Resource::EvidenceUpload) && caller.member.is_some() {
        return Err(ServerError::Forbidden(format!(
            "only guarantor members, who file reports, upload evidence; {} access does not allow this",
            caller.access.as_str()
        )));
    }
    caller.require(Resource::EvidenceUpload)?;
    state.refuse_writes_on_a_mirror()?;
    if !state.ledger.is_writer() {
        return Err(ServerError::ReadOnly {
            origin: "the node that this copy was taken from".into(),
        });
    }
    hash_in_path(&sha256)?;
    let limit = state.evidence.limit;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let blobs = Blobs::new(&state.data_dir);
    let mut upload = blocking(move || blobs.begin(Some(&sha256), limit)).await?;
    let mut body = body;
    let mut pending: Vec<u8> = Vec::with_capacity(WRITE_CHUNK);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ServerError::BadRequest {
            field: None,
            reason: format!("reading the upload: {e}"),
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if upload.bytes() + (pending.len() + data.len()) as u64 > limit {
            return Err(too_large(limit));
        }
        pending.extend_from_slice(&data);
        if pending.len() >= WRITE_CHUNK {
            let chunk = std::mem::replace(&mut pending, Vec::with_capacity(WRITE_CHUNK));
            upload = write(upload, chunk).await?;
        }
    }
    upload = write(upload, pending).await?;
    let stored = blocking(move || upload.finish()).await?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(EvidenceReceipt {
            sha256: stored.sha256,
            bytes: stored.bytes,
            created: stored.created,
        }),
    ))
}

async fn write(mut upload: Upload, chunk: Vec<u8>) -> Result<Upload, ServerError> {
    if chunk.is_empty() {
        return Ok(upload);
    }
    blocking(move || upload.write(&chunk).map(|()| upload)).await
}

/// Runs file work of the node's on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, NodeError> + Send + 'static,
) -> Result<T, ServerError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServerError::Internal(format!("the node's files: {e}")))?
        .map_err(ServerError::from)
}

/// Download an evidence file, as an attachment, with the media type the
/// Record gives it (`application/octet-stream` for a file no report names).
#[utoipa::path(
    get,
    path = "/api/v1/evidence/{sha256}",
    tag = "register",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "64 lower-case hex digits")),
    responses(
        (status = 200, description = "The file, as an attachment"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "This node does not hold the file", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn download_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
) -> Result<Response, ServerError> {
    caller.require(Resource::Evidence)?;
    hash_in_path(&sha256)?;
    let media_type = {
        let register = state.ledger.rules();
        register
            .evidence_media_type(&sha256)
            .and_then(|m| HeaderValue::from_str(m).ok())
            .unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    let path = Blobs::new(&state.data_dir).path_of(&sha256)?;
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ServerError::NotFound(format!(
                "this node holds no evidence file {sha256}"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let length = file.metadata()?.len();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{sha256}\""))
        .expect("hex is a valid header value");
    Ok((
        [
            (CONTENT_TYPE, media_type),
            (CONTENT_LENGTH, HeaderValue::from(length)),
            (CONTENT_DISPOSITION, disposition),
            (
                HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ),
        ],
        Body::from_stream(FileChunks::read(file)),
    )
        .into_response())
}

/// A file read in pieces on a blocking thread, as a stream of chunks.
struct FileChunks(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl FileChunks {
    fn read(mut file: std::fs::File) -> Self {
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        tokio::task::spawn_blocking(move || {
            use std::io::Read;
            loop {
                let mut buffer = vec![0u8; 256 * 1024];
                let chunk = match file.read(&mut buffer) {
                    Ok(0) => return,
                    Ok(n) => {
                        buffer.truncate(n);
                        Ok(Bytes::from(buffer))
                    }
                    Err(e) => Err(e),
                };
                let failed = chunk.is_err();
                if sender.blocking_send(chunk).is_err() || failed {
                    return;
                }
            }
        });
        Self(receiver)
    }
}

impl futures_core::Stream for FileChunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
