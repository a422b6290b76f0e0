//! The witness's HTTP interface: `POST /add-checkpoint` (submission),
//! `GET /<hex sha256(origin)>/checkpoint` (monitoring), `GET /` (status).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::{Refusal, Witness};

/// Checkpoints with their proofs are small; refuse anything larger.
const BODY_LIMIT: usize = 64 * 1024;

const TEXT: &str = "text/plain; charset=utf-8";

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = match &self {
            Refusal::Malformed(_) | Refusal::OldTooLarge { .. } => StatusCode::BAD_REQUEST,
            Refusal::UnknownOrigin(_) => StatusCode::NOT_FOUND,
            Refusal::BadSignature(_) => StatusCode::FORBIDDEN,
            Refusal::Conflict { cosigned, .. } => {
                return text(
                    StatusCode::CONFLICT,
                    "text/x.tlog.size",
                    format!("{cosigned}\n"),
                );
            }
            Refusal::Inconsistent(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::State(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "add-checkpoint failed");
        }
        text(status, TEXT, format!("{self}\n"))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs().max(1))
}

async fn add_checkpoint(State(witness): State<Arc<Witness>>, body: Bytes) -> Response {
    match witness.add_checkpoint(&body, now()).await {
        Ok(lines) => text(StatusCode::OK, TEXT, lines),
        Err(refusal) => refusal.into_response(),
    }
}

async fn monitored(
    State(witness): State<Arc<Witness>>,
    Path(origin_hash): Path<String>,
) -> Response {
    match witness.monitored(&origin_hash).await {
        Ok(Some(note)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(TEXT)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            note,
        )
            .into_response(),
        Ok(None) => text(
            StatusCode::NOT_FOUND,
            TEXT,
            "no checkpoint cosigned for that log\n".into(),
        ),
        Err(refusal) => refusal.into_response(),
    }
}

/// What the witness has cosigned, per log, and every fork it refused.
async fn status(State(witness): State<Arc<Witness>>) -> Response {
    use sha2::{Digest, Sha256};
    let mut page = format!(
        "truce witness {}\nverifier key {}\n\n",
        witness.name(),
        witness.verifier_key()
    );
    for origin in witness.origins() {
        let monitor = hex::encode(Sha256::digest(origin.as_bytes()));
        match witness.state().latest_with_time(origin).await {
            Ok(Some((state, at))) => page.push_str(&format!(
                "log {origin}: cosigned size {} root {} at {at} (GET /{monitor}/checkpoint)\n",
                state.size, state.root
            )),
            Ok(None) => page.push_str(&format!("log {origin}: nothing cosigned yet\n")),
            Err(e) => return e.into_response(),
        }
    }
    match witness.state().forks().await {
        Ok(forks) if forks.is_empty() => page.push_str("\nno fork seen\n"),
        Ok(forks) => {
            page.push_str(&format!("\nFORKS REFUSED: {}\n", forks.len()));
            for fork in forks {
                page.push_str(&format!(
                    "\n{} at {}: {}\n-- cosigned before:\n{}\n-- refused:\n{}\n",
                    fork.origin, fork.found_at, fork.reason, fork.earlier, fork.later
                ));
            }
        }
        Err(e) => return e.into_response(),
    }
    text(StatusCode::OK, TEXT, page)
}

/// The witness's routes.
pub fn router(witness: Arc<Witness>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{origin_hash}/checkpoint", get(monitored))
        .route("/", get(status))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(witness)
}
