//! Complaints from anyone: sent without an account
//! (`POST /api/v1/complaints`, size-limited, and rate-limited per sending
//! address and for the whole node), followed by their reference (`GET /api/v1/complaints/{reference}`:
//! the status, nothing else), listed for members with what the Record says
//! of each, and handed to a guarantor as evidence for the report that
//! takes one up (`POST /api/v1/complaints/{reference}/evidence`). Declining
//! one is a signed `complaint_declined` through `POST /api/v1/statements`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use axum::Json;
use serde::{Deserialize, Serialize};
use truce_node::blobs::Blobs;
use truce_node::complaints::{ComplaintForm, Kept};
use truce_query::{ComplaintStatus, ComplaintView};
use truce_regime::COMPLAINT_MEDIA_TYPE;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Resource};
use crate::conn::PeerAddress;
use crate::evidence::blocking;
use crate::query::{self, Query};
use crate::{AppState, ErrorBody, ServerError};

/// Complaints the node takes at once, from everyone together…
const BURST: f64 = 20.0;
/// …and how many more each minute.
const PER_MINUTE: f64 = 20.0;
/// Complaints one address may send at once…
const ADDRESS_BURST: f64 = 5.0;
/// …and how many more each minute (one every two minutes).
const ADDRESS_PER_MINUTE: f64 = 0.5;
/// Addresses remembered at most; beyond, those whose allowance is full
/// again are forgotten first (they would start full anyway).
const ADDRESSES_KEPT: usize = 10_000;

/// An allowance of new complaints: a token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    burst: f64,
    per_minute: f64,
}

impl Bucket {
    fn full(burst: f64, per_minute: f64, now: Instant) -> Self {
        Self {
            tokens: burst,
            at: now,
            burst,
            per_minute,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_minute / 60.0).min(self.burst);
        self.at = now;
    }

    /// Whether one may be taken, or how many seconds until one is free.
    fn check(&mut self, now: Instant) -> Result<(), u64> {
        self.refill(now);
        if self.tokens >= 1.0 {
            Ok(())
        } else {
            Err(((1.0 - self.tokens) * 60.0 / self.per_minute).ceil() as u64)
        }
    }
}

/// Who is refused when a complaint comes in too soon.
#[derive(Debug, PartialEq, Eq)]
enum TooSoon {
    /// This address sent its share.
    Address(u64),
    /// The whole node took its share.
    Node(u64),
}

/// The node's allowance of new complaints: one bucket for everyone
/// together and one per sending address. Behind a reverse proxy every
/// complaint comes from the proxy's address, and only the node-wide one
/// tells.
pub(crate) struct Allowance {
    node: Bucket,
    addresses: HashMap<IpAddr, Bucket>,
}

impl Allowance {
    pub(crate) fn new() -> Mutex<Self> {
        Mutex::new(Self {
            node: Bucket::full(BURST, PER_MINUTE, Instant::now()),
            addresses: HashMap::new(),
        })
    }

    /// Takes one from the address's bucket and the node's, or neither.
    fn take(&mut self, address: Option<IpAddr>, now: Instant) -> Result<(), TooSoon> {
        if let Some(address) = address {
            if !self.addresses.contains_key(&address) && self.addresses.len() >= ADDRESSES_KEPT {
                self.forget_the_full(now);
            }
            let bucket = self
                .addresses
                .entry(address)
                .or_insert_with(|| Bucket::full(ADDRESS_BURST, ADDRESS_PER_MINUTE, now));
            bucket.check(now).map_err(TooSoon::Address)?;
        }
        self.node.check(now).map_err(TooSoon::Node)?;
        self.node.tokens -= 1.0;
        if let Some(bucket) = address.and_then(|a| self.addresses.get_mut(&a)) {
            bucket.tokens -= 1.0;
        }
        Ok(())
    }

    /// Forgets the addresses whose allowance is full again; if none is,
    /// the one that sent longest ago.
    fn forget_the_full(&mut self, now: Instant) {
        for bucket in self.addresses.values_mut() {
            bucket.refill(now);
        }
        self.addresses.retain(|_, b| b.tokens < b.burst);
        if self.addresses.len() >= ADDRESSES_KEPT {
            if let Some(oldest) = self
                .addresses
                .iter()
                .min_by_key(|(_, b)| b.at)
                .map(|(a, _)| *a)
            {
                self.addresses.remove(&oldest);
            }
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
    peer: Option<Extension<PeerAddress>>,
    Json(form): Json<ComplaintForm>,
) -> Result<(StatusCode, Json<ComplaintStatus>), ServerError> {
    state.refuse_writes_on_a_mirror()?;
    let address = peer.map(|Extension(PeerAddress(address))| address);
    state
        .complaint_allowance
        .lock()
        .expect("allowance lock")
        .take(address, Instant::now())
        .map_err(|too_soon| match too_soon {
            TooSoon::Address(seconds) => ServerError::Busy {
                reason: "one address may send 5 complaints at once, then one every 2 minutes"
                    .into(),
                retry_after: seconds,
            },
            TooSoon::Node(seconds) => ServerError::Busy {
                reason: "the node takes at most 20 complaints a minute from everyone together"
                    .into(),
                retry_after: seconds,
            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn one_address_is_held_to_its_share_before_the_node_is() {
        let mut allowance = Allowance::new().into_inner().unwrap();
        let start = Instant::now();
        let (one, two): (IpAddr, IpAddr) = (
            "192.0.2.7".parse().unwrap(),
            "198.51.100.9".parse().unwrap(),
        );
        for _ in 0..5 {
            allowance.take(Some(one), start).unwrap();
        }
        assert_eq!(allowance.take(Some(one), start), Err(TooSoon::Address(120)));
        // Another address still may, and a refusal took nothing from the node.
        for _ in 0..5 {
            allowance.take(Some(two), start).unwrap();
        }
        assert!((allowance.node.tokens - 10.0).abs() < 1e-9);
        // Two minutes later the first may send one more.
        let later = start + Duration::from_secs(120);
        allowance.take(Some(one), later).unwrap();
        assert!(matches!(
            allowance.take(Some(one), later),
            Err(TooSoon::Address(_))
        ));
        // Without an address (behind a proxy) only the node's share counts:
        // full again after two minutes (20), less the one just taken.
        for _ in 0..19 {
            allowance.take(None, later).unwrap();
        }
        assert!(matches!(allowance.take(None, later), Err(TooSoon::Node(_))));
    }

    #[test]
    fn the_addresses_remembered_are_bounded() {
        let mut allowance = Allowance::new().into_inner().unwrap();
        let start = Instant::now();
        for i in 0..(ADDRESSES_KEPT as u32 + 50) {
            allowance.node = Bucket::full(BURST, PER_MINUTE, start);
            let address = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            allowance.take(Some(address), start).unwrap();
        }
        assert!(allowance.addresses.len() <= ADDRESSES_KEPT);
    }
}
