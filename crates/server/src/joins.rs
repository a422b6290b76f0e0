//! Joining from a browser: the holder of a token made for a member not yet
//! in the Record asks for the key made in their browser to be admitted as
//! that member; the operator lists the requests and admits a key by signing
//! `member_admitted` in their own browser (through `POST
//! /api/v1/statements`). The token reads for its member as soon as the
//! statement is in the Record, and the key signs as that same member: no
//! restart, no second name.

use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use truce_model::{Kind, Party, PublicKeyBytes};
use truce_node::joins::JoinRequest;
use truce_record::KeyId;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::{AppState, ServerError};

/// What the browser sends: its new public key and the party it joins for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJoinRequest {
    /// The Ed25519 public key made in the browser, 64 lower-case hex digits.
    pub public_key: String,
    /// The party the member belongs to (for observers, their organisation).
    pub party: String,
}

/// A key waiting to be admitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinRequestView {
    /// The member the key is for: the one the requesting token names.
    pub member: String,
    /// guarantor_member, observer, intermediary or operator.
    pub role: String,
    pub party: String,
    pub public_key: String,
    /// The key's id, the fingerprint to compare with the requester.
    pub key_id: String,
    /// RFC 3339.
    pub requested: String,
}

impl From<&JoinRequest> for JoinRequestView {
    fn from(r: &JoinRequest) -> Self {
        JoinRequestView {
            member: r.member.to_string(),
            role: r.role.to_string(),
            party: r.party.to_string(),
            public_key: r.public_key.to_hex(),
            key_id: KeyId::of(&r.public_key).to_hex(),
            requested: r.requested.clone(),
        }
    }
}

fn bad(field: &str, reason: impl Into<String>) -> ServerError {
    ServerError::BadRequest {
        field: Some(field.into()),
        reason: reason.into(),
    }
}

/// Ask for a browser's key to be admitted as the token's member.
#[utoipa::path(
    post,
    path = "/api/v1/join-requests",
    tag = "record",
    request_body = NewJoinRequest,
    responses(
        (status = 201, description = "The request waits for the operator", body = JoinRequestView),
        (status = 400, description = "Not a public key or a party name", body = crate::ErrorBody),
        (status = 401, description = "Needs the token made for the new member", body = crate::ErrorBody),
        (status = 409, description = "The token's member is in the Record already, or this is a mirror", body = crate::ErrorBody),
        (status = 429, description = "Too many requests wait already", body = crate::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn request_to_join(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<NewJoinRequest>,
) -> Result<(StatusCode, Json<JoinRequestView>), ServerError> {
    state.refuse_writes_on_a_mirror()?;
    // The token of a member not yet admitted reads nothing, so it is looked
    // up here rather than through `Caller`, which refuses it.
    let secret = headers
        .get(AUTHORIZATION)
        .ok_or(ServerError::Unauthenticated)?
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(ServerError::BadToken)?;
    let token = state.tokens.lookup(secret)?.ok_or(ServerError::BadToken)?;
    let public_key =
        PublicKeyBytes::from_hex(&body.public_key).map_err(|e| bad("public_key", e.to_string()))?;
    let party = Party::new(body.party.clone()).map_err(|e| bad("party", e.to_string()))?;
    let (admitted, key_in_use) = state.ledger.with_registry(|r| {
        (
            r.member(&token.member).is_some(),
            r.member_of(&KeyId::of(&public_key)).is_some(),
        )
    });
    if admitted {
        return Err(ServerError::Conflict(format!(
            "{} is a member of the Record already; a member changes its key by signing key_rotated with the key it has",
            token.member
        )));
    }
    if key_in_use {
        return Err(ServerError::Conflict(
            "this key belongs to a member of the Record already".into(),
        ));
    }
    let request = JoinRequest {
        member: token.member,
        role: token.role,
        party,
        public_key,
        requested: jiff::Timestamp::now().to_string(),
    };
    let view = JoinRequestView::from(&request);
    let ledger = state.ledger.clone();
    state.joins.put(request, |r| {
        ledger.with_registry(|registry| registry.member(&r.member).is_some())
    })?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The keys waiting to be admitted, for the members who may admit them.
#[utoipa::path(
    get,
    path = "/api/v1/join-requests",
    tag = "record",
    responses(
        (status = 200, description = "Waiting requests, oldest first", body = Vec<JoinRequestView>),
        (status = 401, description = "Needs a token", body = crate::ErrorBody),
        (status = 403, description = "Only a member who may admit members", body = crate::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_join_requests(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<JoinRequestView>>, ServerError> {
    let member = caller.member.ok_or(ServerError::Unauthenticated)?;
    let may_admit = state.ledger.with_registry(|r| {
        r.member_in_good_standing(&member)
            .is_some_and(|m| Kind::MemberAdmitted.may_be_made_by(m.role))
    });
    if !may_admit {
        return Err(ServerError::Forbidden(
            "only a member who may admit members sees the requests to join".into(),
        ));
    }
    let requests = state.joins.list()?;
    let waiting = state.ledger.with_registry(|r| {
        requests
            .iter()
            .filter(|q| r.member(&q.member).is_none())
            .map(JoinRequestView::from)
            .collect()
    });
    Ok(Json(waiting))
}
