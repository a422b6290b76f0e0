//! Complaints from anyone: sent without an account
//! (`POST /api/v1/complaints`, size-limited, and rate-limited for the whole
//! node), followed by their reference (`GET /api/v1/complaints/{reference}`:
//! the status, nothing else), listed for members with what the Record says
//! of each, and handed to a guarantor as evidence for the report that
//! takes one up (`POST /api/v1/complaints/{reference}/evidence`). Declining
//! one is a signed `complaint_declined` through `POST /api/v1/statements`.

use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use truce_node::blobs::Blobs;
use truce_node::complaints::{ComplaintForm, Kept};
use truce_query::{ComplaintStatus, ComplaintView};
use truce_regime::COMPLAINT_MEDIA_TYPE;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Resource};
use crate::evidence::blocking;
use crate::query::{self, Query};
use crate::{AppState, ErrorBody, ServerError};

/// Complaints the node takes at once, from everyone together…
const BURST: f64 = 20.0;
/// …and how many more each minute.
const PER_MINUTE: f64 = 20.0;

/// The node-wide allowance of new complaints: a token bucket.
pub(crate) struct Allowance {
    tokens: f64,
    at: Instant,
}

impl Allowance {
    pub(crate) fn new() -> Mutex<Self> {
        Mutex::new(Self {
            tokens: BURST,
            at: Instant::now(),
        })
    }

    /// Takes one, or says how many seconds until one is free.
    fn take(&mut self, now: Instant) -> Result<(), u64> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * PER_MINUTE / 60.0).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) * 60.0 / PER_MINUTE).ceil() as u64)
        }
    }
}

/// Send a complaint: no account needed.
#[utoipa::path(
    post,
    path = "/api/v1/complaints",
    tag = "complaints",
    request_body = ComplaintForm,
    responses(
        (status = 201, description = "Kept; the reference follows its status", body = ComplaintStatus),
        (status = 400, description = "A field is empty, too long or holds control characters", body = ErrorBody),
        (status = 409, description = "This is a mirror", body = ErrorBody),
        (status = 429, description = "Too many complaints at once; try again after Retry-After", body = ErrorBody),
    ),
)]
pub async fn submit_complaint(
    State(state): State<AppState>,
    Json(form): Json<ComplaintForm>,
) -> Result<(StatusCode, Json<ComplaintStatus>), ServerError> {
    state.refuse_writes_on_a_mirror()?;
    state
        .complaint_allowance
        .lock()
        .expect("allowance lock")
        .take(Instant::now())
        .map_err(|seconds| ServerError::Busy {
            reason: "the node takes at most 20 complaints a minute from everyone together".into(),
            retry_after: seconds,
        })?;
    let complaints = state.complaints.clone();
    let kept = blocking(move || complaints.submit(form, jiff::Timestamp::now())).await?;
    tracing::info!(reference = kept.complaint.reference, "complaint received");
    let register = state.ledger.rules();
    Ok((
        StatusCode::CREATED,
        Json(truce_query::complaint_status(&register, &kept)),
    ))
}

async fn kept(state: &AppState, reference: String) -> Result<Kept, ServerError> {
    let complaints = state.complaints.clone();
    let shown = reference.clone();
    blocking(move || complaints.get(&reference))
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("no complaint {shown}")))
}

/// A complaint's status, by its reference.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{reference}",
    tag = "complaints",
    params(("reference" = String, Path, description = "As given when it was sent: C-XXXXX-XXXXX")),
    responses(
        (status = 200, body = ComplaintStatus),
        (status = 404, body = ErrorBody),
    ),
)]
pub async fn complaint_status(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Json<ComplaintStatus>, ServerError> {
    let kept = kept(&state, reference).await?;
    Ok(Json(truce_query::complaint_status(
        &state.ledger.rules(),
        &kept,
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintsQuery {
    /// `true`: only those no guarantor has taken up or declined.
    #[param(value_type = Option<bool>)]
    waiting: Option<String>,
}

/// Every complaint kept, with what the Record says of it.
#[utoipa::path(
    get,
    path = "/api/v1/complaints",
    tag = "complaints",
    params(ComplaintsQuery),
    responses(
        (status = 200, body = [ComplaintView]),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_complaints(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ComplaintsQuery>,
) -> Result<Json<Vec<ComplaintView>>, ServerError> {
    caller.require(Resource::Complaints)?;
    let waiting = query::parse::<bool>("waiting", query.waiting.as_deref())?.unwrap_or(false);
    let complaints = state.complaints.clone();
    let kept = blocking(move || complaints.list()).await?;
    Ok(Json(truce_query::complaints(
        &state.ledger.rules(),
        kept,
        waiting,
    )))
}

/// What a report that takes a complaint up names among its evidence.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ComplaintEvidence {
    pub sha256: String,
    pub media_type: String,
    pub bytes: u64,
    pub description: String,
}

/// Keeps a complaint's exact text as an evidence file, for the report that
/// takes it up (as any upload, removed if no report names it in time).
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{reference}/evidence",
    tag = "complaints",
    params(("reference" = String, Path, description = "C-XXXXX-XXXXX")),
    responses(
        (status = 201, body = ComplaintEvidence),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Answered already, or this is a mirror", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn complaint_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
) -> Result<(StatusCode, Json<ComplaintEvidence>), ServerError> {
    caller.require(Resource::EvidenceUpload)?;
    state.refuse_writes_on_a_mirror()?;
    let kept = kept(&state, reference).await?;
    if state
        .ledger
        .rules()
        .complaint_outcome(&kept.sha256)
        .is_some()
    {
        return Err(ServerError::Conflict(format!(
            "complaint {} has been answered already",
            kept.complaint.reference
        )));
    }
    let evidence = ComplaintEvidence {
        sha256: kept.sha256.clone(),
        media_type: COMPLAINT_MEDIA_TYPE.into(),
        bytes: kept.bytes.len() as u64,
        description: format!("complaint {} as received", kept.complaint.reference),
    };
    let blobs = Blobs::new(&state.data_dir);
    let limit = state.evidence.limit;
    blocking(move || {
        let mut upload = blobs.begin(Some(&kept.sha256), limit)?;
        upload.write(&kept.bytes)?;
        upload.finish()
    })
    .await?;
    Ok((StatusCode::CREATED, Json(evidence)))
}
