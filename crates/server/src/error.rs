//! The one error type of the server and how each variant answers over HTTP.
//! Every error leaves as JSON `{ "error", "code", "field"? }`; nothing here
//! ever renders an HTML page.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use truce_record::{RecordError, Rejection};
use truce_store::AppendError;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The request cannot be decoded: bad JSON, base64, hex, query value.
    #[error("{reason}")]
    BadRequest {
        field: Option<String>,
        reason: String,
    },
    /// The statement decoded but the Record refuses it at this position.
    #[error("{reason}")]
    Refused {
        field: Option<String>,
        reason: String,
        position: Option<u64>,
    },
    #[error("this needs a bearer token (`truce token create --member NAME`)")]
    Unauthenticated,
    #[error("the bearer token is unknown or revoked")]
    BadToken,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what the Record holds already.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// A quota of the caller's (or the node's) is used up for now.
    #[error("{0}")]
    TooMany(String),
    /// Too many requests of this kind from everyone at once: try again
    /// after `retry_after` seconds (sent as `Retry-After`).
    #[error("{reason}")]
    Busy { reason: String, retry_after: u64 },
    /// The node cannot take statements now (a commit failed, or it stopped).
    #[error("{0}")]
    Unavailable(String),
    /// A commit failed and was rolled back; the node goes on, and the same
    /// request may be sent again (after `Retry-After`).
    #[error("{0}")]
    Retry(String),
    /// The node's disk is full: writes wait until space is freed.
    #[error("{0}")]
    DiskFull(String),
    /// A mirror's copy of the Record: statements go to the node it follows.
    #[error("this node is a read-only mirror of the Record; submit statements to {origin}")]
    ReadOnly { origin: String },
    #[error("token file: {0}")]
    Tokens(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// What went wrong, for programs: `bad_request`, `refused`,
    /// `unauthenticated`, `forbidden`, `not_found`, `unavailable`, `internal`,
    /// `payload_too_large`, `quota_exceeded`, `timeout`, `method_not_allowed`,
    /// `retry` (a failed commit: send again after `Retry-After`), `disk_full`,
    /// `read_only`, `conflict`, `rate_limited` (after `Retry-After`).
    pub code: String,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The position the statement was refused at, for refusals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
}

impl From<truce_node::NodeError> for ServerError {
    fn from(error: truce_node::NodeError) -> Self {
        use truce_node::NodeError;
        match error {
            NodeError::Tokens(reason) => ServerError::Tokens(reason),
            NodeError::OverQuota(reason) => ServerError::TooMany(reason),
            NodeError::NotFound(what) => ServerError::NotFound(what),
            NodeError::Unreadable(e) => ServerError::BadRequest {
                field: Some("body".into()),
                reason: e.to_string(),
            },
            NodeError::BadHash(_) | NodeError::Mismatch { .. } => {
                ServerError::bad("sha256", error.to_string())
            }
            NodeError::TooLarge { limit } => crate::evidence::too_large(limit),
            NodeError::Invalid { field, reason } => ServerError::bad(field, reason),
            NodeError::Io(e) => ServerError::Io(e),
            NodeError::Internal(reason) => ServerError::Internal(reason),
        }
    }
}

impl From<truce_query::QueryError> for ServerError {
    fn from(error: truce_query::QueryError) -> Self {
        match error {
            truce_query::QueryError::Invalid { field, reason } => ServerError::bad(field, reason),
            truce_query::QueryError::NotFound(what) => ServerError::NotFound(what),
        }
    }
}

impl ServerError {
    pub fn bad(field: &str, reason: impl Into<String>) -> Self {
        ServerError::BadRequest {
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ServerError::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::Unauthenticated | ServerError::BadToken => StatusCode::UNAUTHORIZED,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::TooMany(_) | ServerError::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServerError::Unavailable(_) | ServerError::Retry(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServerError::DiskFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            ServerError::ReadOnly { .. } | ServerError::Conflict(_) => StatusCode::CONFLICT,
            ServerError::Tokens(_) | ServerError::Io(_) | ServerError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ServerError::BadRequest { .. } => "bad_request",
            ServerError::Refused { .. } => "refused",
            ServerError::Unauthenticated | ServerError::BadToken => "unauthenticated",
            ServerError::Forbidden(_) => "forbidden",
            ServerError::NotFound(_) => "not_found",
            ServerError::TooLarge(_) => "payload_too_large",
            ServerError::TooMany(_) => "quota_exceeded",
            ServerError::Busy { .. } => "rate_limited",
            ServerError::Unavailable(_) => "unavailable",
            ServerError::Retry(_) => "retry",
            ServerError::DiskFull(_) => "disk_full",
            ServerError::ReadOnly { .. } => "read_only",
            ServerError::Conflict(_) => "conflict",
            ServerError::Tokens(_) | ServerError::Io(_) | ServerError::Internal(_) => "internal",
        }
    }

    fn body(&self) -> ErrorBody {
        let (field, position) = match self {
            ServerError::BadRequest { field, .. } => (field.clone(), None),
            ServerError::Refused {
                field, position, ..
            } => (field.clone(), *position),
            _ => (None, None),
        };
        ErrorBody {
            error: self.to_string(),
            code: self.code().to_string(),
            field,
            position,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if matches!(self, ServerError::Unauthenticated | ServerError::BadToken) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if let ServerError::Busy { retry_after, .. } = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
        }
        if matches!(self, ServerError::Retry(_) | ServerError::DiskFull(_)) {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(truce_store::RETRY_AFTER.as_secs()),
            );
        }
        response
    }
}

impl From<AppendError> for ServerError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Undecodable(record) => from_undecodable(record),
            AppendError::Refused {
                position,
                rejection,
            } => ServerError::Refused {
                field: rejection_field(&rejection),
                reason: rejection.to_string(),
                position: Some(position),
            },
            AppendError::Store(reason) => ServerError::Unavailable(reason),
            error @ AppendError::NotCommitted(_) => ServerError::Retry(error.to_string()),
            error @ AppendError::DiskFull(_) => ServerError::DiskFull(error.to_string()),
            AppendError::ReadOnly => ServerError::ReadOnly {
                origin: "the node that this copy was taken from".into(),
            },
        }
    }
}

/// A statement that could not be decoded. A validation error is a refusal
/// of one named field (422); anything else means the bytes are not a
/// statement at all (400).
pub(crate) fn from_undecodable(error: RecordError) -> ServerError {
    match error {
        RecordError::Invalid(invalid) => ServerError::Refused {
            reason: invalid.to_string(),
            field: Some(invalid.field),
            position: None,
        },
        other => ServerError::BadRequest {
            field: Some("statement".into()),
            reason: other.to_string(),
        },
    }
}

/// The part of the statement a refusal is about, where one can be named.
fn rejection_field(rejection: &Rejection) -> Option<String> {
    let field = match rejection {
        Rejection::Rule { field, .. } => return Some(field.clone()),
        Rejection::BadSignature(_) => "signature",
        Rejection::UnknownKey(_) | Rejection::RevokedKey { .. } | Rejection::RotatedKey { .. } => {
            "author"
        }
        Rejection::Sequence { .. } => "seq",
        Rejection::TimeWentBack { .. } | Rejection::ClockSkew { .. } => "time",
        Rejection::RoleMayNot { .. }
        | Rejection::GenesisFirst
        | Rejection::GenesisAgain
        | Rejection::GenesisAuthor => "body",
        Rejection::MemberExists(_) => "body.member",
        Rejection::KeyInUse(_) | Rejection::WeakKey => "body.public_key",
        Rejection::UnknownMember(_) | Rejection::KeyNotOfMember { .. } => "body.member",
        Rejection::AlreadyRevoked(_) => "body.public_key",
        Rejection::Undecodable(_) | Rejection::Invalid(_) | Rejection::TooLarge { .. } => {
            "statement"
        }
    };
    Some(field.to_string())
}
