//! Submitting a signed statement. The server never signs: it decodes,
//! verifies and appends what a member signed elsewhere, and answers only
//! once the statement is durable.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use truce_record::SignedStatement;
use utoipa::ToSchema;

use crate::{AppState, ErrorBody, ServerError};

/// A statement as its author signed it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Base64 (standard, padded) of the exact canonical statement bytes.
    pub statement: String,
    /// 128 hex digits: the Ed25519 signature over
    /// `truce/statement/v1\n` followed by the statement bytes.
    pub signature: String,
}

/// Where the statement now stands in the Record.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct SubmitReceipt {
    pub position: u64,
    /// Base64 of the RFC 6962 leaf hash of statement bytes ‖ signature.
    pub leaf_hash: String,
    /// Size of the first checkpoint that covers the statement.
    pub checkpoint_size: u64,
}

impl Submission {
    /// Decodes the transport encoding; the statement itself is decoded by
    /// the node.
    pub fn decode(&self) -> Result<SignedStatement, ServerError> {
        let bytes = BASE64
            .decode(self.statement.trim())
            .map_err(|e| ServerError::bad("statement", format!("not base64: {e}")))?;
        let signature: [u8; 64] = hex::decode(self.signature.trim())
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| ServerError::bad("signature", "must be 128 hex digits"))?;
        Ok(SignedStatement::new(bytes, signature))
    }
}

/// Submit a signed statement.
///
/// Anyone may submit: the signature is the authentication. The answer comes
/// once the statement is durable and covered by a signed checkpoint. After a
/// timeout (408) or a lost connection the statement may still have been
/// appended; submitting the same bytes again is then refused with
/// `field: "seq"`, and `/api/v1/members` shows the member's next sequence
/// number.
#[utoipa::path(
    post,
    path = "/api/v1/statements",
    tag = "record",
    request_body = Submission,
    responses(
        (status = 201, description = "Appended and durable", body = SubmitReceipt),
        (status = 400, description = "Not decodable (JSON, base64, hex, statement bytes)", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 409, description = "This is a read-only mirror: the body names the node to submit to", body = ErrorBody),
        (status = 422, description = "Refused by the Record's rules; `field` names the part at fault", body = ErrorBody),
        (status = 503, description = "The node cannot append now", body = ErrorBody),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    body: Result<Json<Submission>, JsonRejection>,
) -> Result<(StatusCode, Json<SubmitReceipt>), ServerError> {
    state.refuse_writes_on_a_mirror()?;
    let Json(submission) = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge(e.body_text()),
        _ => ServerError::BadRequest {
            field: None,
            reason: e.body_text(),
        },
    })?;
    let signed = submission.decode()?;
    let receipt = state.ledger.append(signed).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmitReceipt {
            position: receipt.position,
            leaf_hash: receipt.leaf_hash.to_string(),
            checkpoint_size: receipt.checkpoint_size,
        }),
    ))
}
