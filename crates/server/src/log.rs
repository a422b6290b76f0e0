//! The Record itself: checkpoints, proofs, raw entries for mirrors, the
//! mechanism's public facts and its members.
//!
//! Proofs have the shapes of the CLI's proof files (`truce proof check`
//! reads them), so anyone can check them offline with the node key from
//! `/api/v1/mechanism`. An inclusion proof carries the entry's bytes, which
//! hold narratives; the public gets the same proof with the leaf hash in
//! their place (`truce-leaf-inclusion-proof-v1`), which a submitter, who
//! holds the bytes, checks just as well.

use axum::extract::{Path, State};
use axum::Json;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use truce_record::{Hash, ProofFile, SignedCheckpoint};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Allowed, Caller, EntriesGate, Resource};
use crate::query::{self, Query, MAX_LIMIT};
use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`, or `stopped` for a mirror that found its origin inconsistent.
    pub status: String,
    /// Committed entries.
    pub size: u64,
    /// For a mirror: the node it follows and how far behind it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<crate::MirrorHealth>,
    /// For a node that pushes to witness services: each one's last
    /// cosigned size; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub witnesses: Vec<crate::WitnessHealth>,
    /// The largest size a quorum of those witnesses cosigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_size: Option<u64>,
}

/// Liveness and the Record's size; a mirror that stopped on evidence
/// against its origin answers 503.
#[utoipa::path(get, path = "/healthz", tag = "node", responses(
    (status = 200, body = Health),
    (status = 503, description = "A mirror that stopped following", body = Health),
))]
pub async fn healthz(State(state): State<AppState>) -> (axum::http::StatusCode, Json<Health>) {
    let size = state.ledger.size();
    let mirror = state.mirror.as_ref().map(|m| m.health(size));
    let stopped = mirror.as_ref().is_some_and(|m| m.stopped.is_some());
    let status = if stopped {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    } else {
        axum::http::StatusCode::OK
    };
    let health = Health {
        status: if stopped { "stopped" } else { "ok" }.into(),
        size,
        mirror,
        witnesses: state
            .witnesses
            .as_ref()
            .map(|w| w.health(size))
            .unwrap_or_default(),
        final_size: state.witnesses.as_ref().and_then(|w| w.final_size()),
    };
    (status, Json(health))
}

/// Whether the node can take statements now (`/readyz`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    /// `ready`; `read_only` for a mirror or a copy without the node key
    /// (ready to serve reads); `not_ready` when the last commit failed;
    /// `disk_full`; `stopped` for a mirror that stopped following.
    pub status: String,
    /// Why it is not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Committed entries.
    pub size: u64,
    /// Where witnesses are configured: whether a quorum of them has
    /// cosigned the latest checkpoint. Informative only: a lagging witness
    /// does not stop the node from committing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness_quorum_in_step: Option<bool>,
    /// The largest size a quorum of the witnesses cosigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_size: Option<u64>,
}

/// Readiness: 200 when the node can commit now (its last commit, or a
/// write probe since, succeeded), 503 with the reason otherwise. Unlike
/// `/healthz` (liveness), a node that is up but cannot write answers 503.
#[utoipa::path(get, path = "/readyz", tag = "node", responses(
    (status = 200, body = Readiness),
    (status = 503, description = "The last commit failed, the disk is full, or a mirror stopped", body = Readiness),
))]
pub async fn readyz(State(state): State<AppState>) -> (axum::http::StatusCode, Json<Readiness>) {
    use truce_store::Readiness as Writer;
    let size = state.ledger.size();
    let (status, reason) = match state.ledger.readiness() {
        Writer::Ready => ("ready", None),
        Writer::ReadOnly => match state.mirror.as_ref().and_then(|m| m.health(size).stopped) {
            Some(reason) => ("stopped", Some(reason)),
            None => ("read_only", None),
        },
        Writer::DiskFull(reason) => ("disk_full", Some(reason)),
        Writer::Failing(reason) => ("not_ready", Some(reason)),
    };
    let final_size = state.witnesses.as_ref().and_then(|w| w.final_size());
    let readiness = Readiness {
        status: status.into(),
        reason,
        size,
        witness_quorum_in_step: state
            .witnesses
            .as_ref()
            .map(|_| final_size.is_some_and(|f| f >= size)),
        final_size,
    };
    let code = if matches!(status, "ready" | "read_only") {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(readiness))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WitnessView {
    pub party: String,
    pub verifier_key: String,
}

/// What a verifier needs to know about the mechanism.
#[derive(Debug, Serialize, ToSchema)]
pub struct MechanismView {
    pub mechanism: String,
    pub log_origin: String,
    /// The node's checkpoint verifier key (signed-note form), for checking
    /// checkpoints and proofs offline.
    pub node_key: String,
    pub witnesses: Vec<WitnessView>,
    pub witness_quorum: u32,
    /// Guarantor parties in Record order.
    pub guarantors: Vec<String>,
    pub size: u64,
}

/// The mechanism's public facts and the node key.
#[utoipa::path(
    get,
    path = "/api/v1/mechanism",
    tag = "record",
    responses((status = 200, body = MechanismView), (status = 503, body = ErrorBody))
)]
pub async fn mechanism(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MechanismView>, ServerError> {
    caller.require(Resource::Verification)?;
    let registry = state.ledger.registry();
    let genesis = registry
        .genesis()
        .ok_or_else(|| ServerError::Unavailable("the Record has no genesis yet".into()))?;
    let guarantors = state
        .ledger
        .rules()
        .guarantors()
        .iter()
        .map(|p| p.to_string())
        .collect();
    Ok(Json(MechanismView {
        mechanism: genesis.mechanism.clone(),
        log_origin: genesis.log_origin.clone(),
        node_key: genesis.node_key.clone(),
        witnesses: genesis
            .witnesses
            .iter()
            .map(|w| WitnessView {
                party: w.party.to_string(),
                verifier_key: w.verifier_key.clone(),
            })
            .collect(),
        witness_quorum: genesis.witness_quorum,
        guarantors,
        size: registry.size(),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberView {
    pub member: String,
    pub party: String,
    pub role: String,
    /// Id of the member's current key (32 hex digits).
    pub key_id: String,
    /// The current public key (64 hex digits).
    pub public_key: String,
    /// The sequence number the member's next statement must carry.
    pub next_seq: u64,
    pub admitted_at: u64,
}

/// Members, their current keys and next sequence numbers (for signing clients).
#[utoipa::path(
    get,
    path = "/api/v1/members",
    tag = "record",
    responses((status = 200, body = Vec<MemberView>), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn members(
    State(state): State<AppState>,
    _: Allowed<EntriesGate>,
) -> Json<Vec<MemberView>> {
    let registry = state.ledger.registry();
    let mut members: Vec<MemberView> = registry
        .members()
        .map(|(name, m)| MemberView {
            member: name.to_string(),
            party: m.party.to_string(),
            role: m.role.to_string(),
            key_id: m.current_key.to_hex(),
            public_key: registry
                .public_key(&m.current_key)
                .map(|k| hex::encode(k.to_bytes()))
                .unwrap_or_default(),
            next_seq: m.next_seq,
            admitted_at: m.admitted_at,
        })
        .collect();
    members.sort_by(|a, b| (a.admitted_at, &a.member).cmp(&(b.admitted_at, &b.member)));
    Json(members)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointView {
    pub size: u64,
    /// Base64 root hash.
    pub root: String,
    /// The signed note: the node's signature and every witness cosignature line.
    pub note: String,
    /// The witness cosignature lines alone.
    pub cosignatures: Vec<String>,
}

/// The checkpoint of `size` (default: the latest), with cosignature lines.
pub(crate) async fn checkpoint_with_cosignatures(
    state: &AppState,
    size: Option<u64>,
) -> Result<(SignedCheckpoint, Vec<String>), ServerError> {
    let latest = state
        .ledger
        .checkpoint()
        .ok_or_else(|| ServerError::NotFound("the Record has no checkpoint yet".into()))?;
    let size = size.unwrap_or(latest.size());
    if size > latest.size() {
        return Err(ServerError::NotFound(format!(
            "no checkpoint of size {size} (the latest has size {})",
            latest.size()
        )));
    }
    let store = state.ledger.store();
    let note = store
        .checkpoint(size)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            ServerError::NotFound(format!(
                "no checkpoint of size {size} (the latest has size {})",
                latest.size()
            ))
        })?;
    let node_key = state.node_key()?;
    // Re-verified as it comes from the database: the server hands out only
    // what the node key signed.
    let mut checkpoint = SignedCheckpoint::verify(&note, &node_key).map_err(internal)?;
    let cosignatures = store.cosignatures(size).await.map_err(internal)?;
    for line in &cosignatures {
        checkpoint = checkpoint.with_signature_line(line).map_err(internal)?;
    }
    Ok((checkpoint, cosignatures))
}

fn internal(error: impl std::fmt::Display) -> ServerError {
    ServerError::Internal(error.to_string())
}

fn note_text(checkpoint: &SignedCheckpoint) -> String {
    String::from_utf8_lossy(checkpoint.note()).into_owned()
}

/// The latest checkpoint, with witness cosignatures.
#[utoipa::path(
    get,
    path = "/api/v1/checkpoint",
    tag = "record",
    responses((status = 200, body = CheckpointView), (status = 404, body = ErrorBody))
)]
pub async fn checkpoint(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<CheckpointView>, ServerError> {
    caller.require(Resource::Verification)?;
    let (checkpoint, cosignatures) = checkpoint_with_cosignatures(&state, None).await?;
    Ok(Json(CheckpointView {
        size: checkpoint.size(),
        root: checkpoint.root().to_string(),
        note: note_text(&checkpoint),
        cosignatures,
    }))
}

fn hashes(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(Hash::to_string).collect()
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// Size of the checkpoint to prove against (default: the latest).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub size: Option<String>,
}

/// Proof that the entry at `position` is in the Record.
#[utoipa::path(
    get,
    path = "/api/v1/proof/inclusion/{position}",
    tag = "record",
    params(("position" = u64, Path), InclusionQuery),
    responses(
        (status = 200, description = "With a token, the CLI's inclusion proof file; without, the leaf-hash form", body = ProofFile),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn inclusion(
    State(state): State<AppState>,
    caller: Caller,
    Path(position): Path<String>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<ProofFile>, ServerError> {
    caller.require(Resource::Verification)?;
    let position: u64 = query::parse("position", Some(&position))?.unwrap_or_default();
    let size = query::parse::<u64>("size", q.size.as_deref())?;
    let (checkpoint, _) = checkpoint_with_cosignatures(&state, size).await?;
    if position >= checkpoint.size() {
        return Err(ServerError::NotFound(format!(
            "no entry {position} in the checkpoint of size {}",
            checkpoint.size()
        )));
    }
    let proof = state
        .ledger
        .prove_inclusion(position, checkpoint.size())
        .map_err(|e| ServerError::bad("size", e.to_string()))?;
    let checkpoint_note = note_text(&checkpoint);
    if !caller.may(Resource::Entries) {
        let leaf_hash = state
            .ledger
            .leaf_hash(position)
            .ok_or_else(|| ServerError::NotFound(format!("no entry {position}")))?;
        return Ok(Json(ProofFile::LeafInclusion {
            position,
            leaf_hash: leaf_hash.to_string(),
            checkpoint: checkpoint_note,
            proof: hashes(&proof),
        }));
    }
    let entry = state
        .ledger
        .store()
        .entries(position, 1)
        .await
        .map_err(internal)?
        .pop()
        .filter(|e| e.position == position)
        .ok_or_else(|| ServerError::NotFound(format!("no entry {position}")))?;
    Ok(Json(ProofFile::Inclusion {
        position,
        statement: BASE64.encode(&entry.statement),
        signature: hex::encode(&entry.signature),
        checkpoint: checkpoint_note,
        proof: hashes(&proof),
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// Size of the earlier checkpoint.
    #[param(value_type = u64, minimum = 0)]
    pub old: Option<String>,
    /// Size of the later checkpoint (default: the latest).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub new: Option<String>,
}

/// Proof that the checkpoint of size `old` is a prefix of the one of size `new`.
#[utoipa::path(
    get,
    path = "/api/v1/proof/consistency",
    tag = "record",
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "The CLI's consistency proof file", body = ProofFile),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn consistency(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<ProofFile>, ServerError> {
    caller.require(Resource::Verification)?;
    let old = query::parse::<u64>("old", q.old.as_deref())?
        .ok_or_else(|| ServerError::bad("old", "is required"))?;
    let new = query::parse::<u64>("new", q.new.as_deref())?;
    let (new_checkpoint, _) = checkpoint_with_cosignatures(&state, new).await?;
    if old > new_checkpoint.size() {
        return Err(ServerError::bad(
            "old",
            format!("{old} is larger than new ({})", new_checkpoint.size()),
        ));
    }
    let (old_checkpoint, _) = checkpoint_with_cosignatures(&state, Some(old)).await?;
    let proof = state
        .ledger
        .prove_consistency(old, new_checkpoint.size())
        .map_err(|e| ServerError::bad("old", e.to_string()))?;
    Ok(Json(ProofFile::Consistency {
        old_checkpoint: note_text(&old_checkpoint),
        new_checkpoint: note_text(&new_checkpoint),
        proof: hashes(&proof),
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// First position (default 0).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub from: Option<String>,
    /// At most this many entries (default 100, at most 1000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    pub position: u64,
    /// Base64 of the exact signed statement bytes.
    pub statement: String,
    /// Hex of the 64-byte signature.
    pub signature: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntriesPage {
    pub entries: Vec<EntryView>,
    /// Where the next page starts, if entries remain.
    pub next: Option<u64>,
    /// Committed entries.
    pub size: u64,
}

/// Raw signed entries in Record order, for mirrors and `truce verify`.
#[utoipa::path(
    get,
    path = "/api/v1/entries",
    tag = "record",
    params(EntriesQuery),
    responses(
        (status = 200, body = EntriesPage),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn entries(
    State(state): State<AppState>,
    _: Allowed<EntriesGate>,
    Query(q): Query<EntriesQuery>,
) -> Result<Json<EntriesPage>, ServerError> {
    // Positions are stored as 64-bit signed integers, as the document says.
    let from = query::parse::<u64>("from", q.from.as_deref())?.unwrap_or(0);
    if i64::try_from(from).is_err() {
        return Err(ServerError::bad(
            "from",
            format!("{from}: positions go up to {}", i64::MAX),
        ));
    }
    let limit = query::parse::<u64>("limit", q.limit.as_deref())?.unwrap_or(100);
    if limit == 0 || limit > MAX_LIMIT as u64 {
        return Err(ServerError::bad(
            "limit",
            format!("must be 1 to {MAX_LIMIT}"),
        ));
    }
    // Only committed entries: the store may hold none beyond, but the
    // ledger's size is what its checkpoints cover.
    let size = state.ledger.size();
    let limit = limit.min(size.saturating_sub(from));
    let rows = if limit == 0 {
        Vec::new()
    } else {
        state
            .ledger
            .store()
            .entries(from, limit)
            .await
            .map_err(internal)?
    };
    let entries: Vec<EntryView> = rows
        .into_iter()
        .map(|e| EntryView {
            position: e.position,
            statement: BASE64.encode(&e.statement),
            signature: hex::encode(&e.signature),
        })
        .collect();
    let end = from + entries.len() as u64;
    Ok(Json(EntriesPage {
        next: (end < size && !entries.is_empty()).then_some(end),
        entries,
        size,
    }))
}
